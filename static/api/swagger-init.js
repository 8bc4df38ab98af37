// Starts Swagger UI on /api/docs/ (a static file: the site's CSP allows no inline script).
// "Try it out" runs as the signed-in session, sending the CSRF token on unsafe methods.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("swagger-ui");
  if (!holder || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrf = holder.getAttribute("data-csrf-token");
  window.ui = window.SwaggerUIBundle({
    url: holder.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1 && csrf) {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    },
  });
});
