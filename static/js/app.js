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

// --- slug from name (hrscreens) ---------------------------------------------------------------
// <input data-slug-from="id_name">: filled from the name as it is typed (lower case, words
// joined by hyphens) until someone edits it by hand; left blank, the server makes one up.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-slug-from]").forEach((slug) => {
    const source = document.getElementById(slug.dataset.slugFrom);
    if (!source) return;
    let touched = slug.value !== "";
    slug.addEventListener("input", () => { touched = slug.value !== ""; });
    source.addEventListener("input", () => {
      if (touched) return;
      slug.value = source.value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
        .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[\s-]+/g, "-").slice(0, 80).replace(/-+$/, "");
    });
  });
});
// --- end slug from name ------------------------------------------------------------------------
// ---- Home helper: folding sections and search-as-you-type for long lists -------------------
document.addEventListener("DOMContentLoaded", () => {
  // <details data-fold-small open>: open on wide screens, folded on a phone, unless the address
  // points into it (#goals after saving a goal).
  const small = window.matchMedia("(max-width: 767.98px)").matches;
  const target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  document.querySelectorAll("details[data-fold-small]").forEach((fold) => {
    if (small && !(target && fold.contains(target))) fold.open = false;
  });
  if (target) {
    const fold = target.closest("details");
    if (fold) fold.open = true;
  }

  // A <select> with data-filter, or more than 12 options, and a checkbox list marked
  // data-filter-list with more than 12 boxes get a search box: typing hides what does not match
  // (chosen entries always stay). A single select moves to the first match.
  const FILTER_MIN = 12;
  const searchBox = (labelText, id) => {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = "Type to filter…";
    input.setAttribute("aria-label", `Filter: ${labelText}`);
    input.setAttribute("aria-controls", id);
    input.autocomplete = "off";
    input.dataset.filterFor = id;
    return input;
  };
  const words = (text) => text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  const matches = (text, query) => words(query).split(/\s+/).every((w) => words(text).includes(w));
  document.querySelectorAll("select").forEach((select) => {
    const many = select.options.length > FILTER_MIN;
    if (!(select.dataset.filter !== undefined || many) || !select.id) return;
    if (select.closest("[data-no-filter]")) return;
    const label = document.querySelector(`label[for="${select.id}"]`);
    const input = searchBox(label ? label.textContent.trim() : select.name, select.id);
    select.before(input);
    if (select.multiple && select.size < 8) select.size = 8;
    input.addEventListener("input", () => {
      const query = input.value.trim();
      let first = null;
      Array.from(select.options).forEach((option) => {
        const show = option.selected || option.value === "" || !query || matches(option.text, query);
        option.hidden = !show;
        if (show && option.value !== "" && !first && matches(option.text, query)) first = option;
      });
      if (!select.multiple && query && first && first.value !== select.value) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    // Enter in the search box must not submit the form.
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  });
  document.querySelectorAll("[data-filter-list]").forEach((list, index) => {
    const boxes = Array.from(list.querySelectorAll(".form-check"));
    if (boxes.length <= FILTER_MIN) return;
    if (!list.id) list.id = `filter-list-${index}`;
    const input = searchBox(list.dataset.filterList || "choices", list.id);
    list.before(input);
    input.addEventListener("input", () => {
      const query = input.value.trim();
      boxes.forEach((box) => {
        const checked = box.querySelector("input:checked");
        box.hidden = !(checked || !query || matches(box.textContent, query));
      });
    });
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  });
});
// ---- end of the home helper's section -----------------------------------------------------
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
