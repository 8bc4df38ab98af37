// Ask an expert: search as you type. The form works without this (a Search button); this only
// submits it after a pause in typing, or when the skill changes.
(function () {
  "use strict";
  const form = document.querySelector("form[data-search-as-you-type]");
  if (!form) return;
  let timer = null;
  const submit = () => form.requestSubmit ? form.requestSubmit() : form.submit();
  const q = form.querySelector("input[name=q]");
  if (q) {
    q.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(submit, 400);
    });
    // Keep the caret at the end after the page reloads with the results.
    if (q.value && document.activeElement !== q && form.dataset.focus === "q") {
      q.focus();
      q.setSelectionRange(q.value.length, q.value.length);
    }
  }
  const skill = form.querySelector("select[name=skill]");
  if (skill) skill.addEventListener("change", submit);
})();
