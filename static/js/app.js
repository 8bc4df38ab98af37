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
  // <div data-person-search="/people/search/" data-person-search-target="id_field">: type a
  // name, pick a colleague, and their email is added (one per line) to the target textarea.
  document.querySelectorAll("[data-person-search]").forEach((box) => {
    const input = box.querySelector("input[type=search]");
    const list = box.querySelector("[role=listbox]");
    const target = document.getElementById(box.dataset.personSearchTarget);
    if (!input || !list || !target) return;
    let timer = null;
    let latest = 0;  // answers can arrive out of order: only the newest query's are shown
    const add = (email) => {
      const emails = target.value.split(/[\s,;]+/).filter(Boolean);
      if (!emails.includes(email)) emails.push(email);
      target.value = emails.join("\n");
      list.replaceChildren();
      input.value = "";
      input.focus();
    };
    const show = (results) => {
      list.replaceChildren(...results.map((person) => {
        const item = document.createElement("button");
        item.type = "button";
        item.className = "list-group-item list-group-item-action py-1 small";
        item.setAttribute("role", "option");
        item.textContent = `${person.name} · ${person.email}${person.department ? " · " + person.department : ""}`;
        item.addEventListener("click", () => add(person.email));
        return item;
      }));
    };
    // Enter in the search box picks the first match instead of submitting the whole form.
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const first = list.querySelector("button");
      if (first) first.click();
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      const mine = ++latest;
      if (query.length < 3) { list.replaceChildren(); return; }
      timer = setTimeout(async () => {
        try {
          const url = `${box.dataset.personSearch}?q=${encodeURIComponent(query)}`;
          const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
          if (response.ok && mine === latest) show((await response.json()).results);
        } catch (e) { /* offline: the textarea still takes emails */ }
      }, 200);
    });
  });
});

// --- Accessibility: scrollable tables reachable by keyboard (issue 16) ----------------------
// A .table-responsive that scrolls sideways (a wide table on a phone) becomes a labelled,
// focusable region, so keyboard users can scroll it with the arrow keys (WCAG 2.1.1).
(() => {
  const label = (box) => {
    const caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    const section = box.closest("section, .card, main");
    const heading = section && section.querySelector("h1, h2, h3, h4, .card-header");
    return heading ? heading.textContent.trim() : "Table";
  };
  const mark = () => {
    document.querySelectorAll(".table-responsive, [data-scroll-region]").forEach((box) => {
      if (box.hasAttribute("tabindex") || box.scrollWidth <= box.clientWidth) return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", `${label(box)} (scrolls sideways)`);
    });
  };
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
})();
