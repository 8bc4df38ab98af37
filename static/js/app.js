// Behaviour attached by data attributes, so templates need no inline script (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // <form data-confirm="Really end this mentorship?">: ask before a destructive submit.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // <div data-poll-url="..." data-poll-interval="1500">: refresh a fragment until it says stop.
  document.querySelectorAll("[data-poll-url]").forEach((el) => {
    const interval = parseInt(el.dataset.pollInterval || "1500", 10);
    const tick = async () => {
      try {
        const response = await fetch(el.dataset.pollUrl, { headers: { "X-Requested-With": "fetch" } });
        if (response.ok) {
          el.innerHTML = await response.text();
          if (el.querySelector("[data-poll-done]")) {
            if (el.dataset.pollReload !== undefined) window.location.reload();
            return;
          }
        }
      } catch (e) { /* network blip: try again */ }
      setTimeout(tick, interval);
    };
    setTimeout(tick, interval);
  });
});
