// The template picker applies a template's agenda in place, without reloading the page:
// choosing a template puts its agenda in the private notes, "Blank" empties them again. Notes
// the person has already changed are never thrown away (a new agenda is added below them).
// Without JavaScript the "Use template" button reloads the form with ?template=<id>.
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.getElementById("id_pick_template");
  const notes = document.getElementById("id_private_notes");
  const hidden = document.querySelector("form[method=post] input[name=template]");
  if (!picker || !notes) return;
  const button = document.querySelector("#template-picker [data-template-apply]");
  if (button) button.hidden = true;
  const agendas = new Set(
    Array.from(picker.options).map((o) => o.dataset.agenda || "").filter(Boolean)
  );
  const untouched = () => notes.value.trim() === "" || agendas.has(notes.value);
  picker.addEventListener("change", () => {
    const option = picker.options[picker.selectedIndex];
    const agenda = option.dataset.agenda || "";
    if (untouched()) {
      notes.value = agenda;
    } else if (agenda) {
      notes.value = `${notes.value.trimEnd()}\n\n${agenda}`;
    }
    if (hidden) hidden.value = picker.value;
    notes.dispatchEvent(new Event("input", { bubbles: true }));
  });
  // The picker is not a form of its own any more: Enter must not reload the page.
  const pickerForm = document.getElementById("template-picker");
  if (pickerForm) pickerForm.addEventListener("submit", (event) => event.preventDefault());
});
