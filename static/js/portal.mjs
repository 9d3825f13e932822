// Starts GOV.UK Frontend's components (error summaries, navigation toggles…),
// then the portal's own small enhancements. Every page works without them.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();

// Lists of checkboxes this long get a box that narrows them as you type.
const LONG_LIST = 15;

// "Wards the service covers" reads "wards the service covers" mid-sentence;
// "CPV codes" stays as it is.
function sentenceCase(text) {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

// In forms marked data-filter-long-lists (CPV codes, wards), put a text box
// above each long list of checkboxes that hides the options not containing
// what is typed. Ticked options always stay in view, and a status message
// tells screen reader users how many options are shown.
function filterLongLists(form) {
  for (const group of form.querySelectorAll(".govuk-checkboxes")) {
    const items = [...group.querySelectorAll(".govuk-checkboxes__item")];
    if (items.length < LONG_LIST) continue;
    const name = group.querySelector("input").name;
    const legend = group.closest("fieldset")?.querySelector("legend")?.textContent.trim();

    const wrapper = document.createElement("div");
    wrapper.className = "govuk-form-group govuk-!-margin-bottom-3";
    const label = document.createElement("label");
    label.className = "govuk-label";
    label.htmlFor = `${name}-filter`;
    label.textContent = `Narrow the list of ${sentenceCase(legend || "options")}`;
    const input = document.createElement("input");
    input.className = "govuk-input govuk-!-width-two-thirds";
    input.id = label.htmlFor;
    input.type = "search";
    input.autocomplete = "off";
    input.spellcheck = false;
    const status = document.createElement("p");
    status.className = "govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0";
    status.setAttribute("role", "status");
    wrapper.append(label, input, status);
    group.before(wrapper);

    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault(); // narrowing, not submitting
    });
    input.addEventListener("input", () => {
      const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const item of items) {
        const text = item.textContent.toLowerCase();
        const ticked = item.querySelector("input").checked;
        const match = ticked || words.every((word) => text.includes(word));
        item.classList.toggle("govuk-!-display-none", !match);
        shown += match ? 1 : 0;
      }
      status.textContent = words.length ? `${shown} of ${items.length} shown` : "";
    });
  }
}

document.querySelectorAll("form[data-filter-long-lists]").forEach(filterLongLists);

// A date as a date box takes it (portal.forms.DateField: 27/3/2027, 27 3 2027,
// 27-3-2027, 27/3/27 or 2027-03-27) as YYYY-MM-DD, or null.
function isoDate(text) {
  const value = text.trim();
  const iso = value.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  const dayFirst = value.match(/^(\d{1,2})([/ -])(\d{1,2})\2(\d{4}|\d{2})$/);
  let day, month, year;
  if (iso) [, year, month, day] = iso;
  else if (dayFirst && (dayFirst[4].length === 4 || dayFirst[2] === "/")) {
    [, day, , month, year] = dayFirst;
  } else return null;
  if (year.length === 2) year = `${Number(year) < 69 ? "20" : "19"}${year}`;
  return `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}

// On an assessment form, a date achieved picks the category it implies: on or
// before the completion target is 1 Achieved (fully), after it 2 Achieved
// (late). It never overrides a choice of 3 to 6, and the server checks the
// rule either way.
function suggestAchievedCategory(input) {
  const target = input.dataset.completionTarget; // YYYY-MM-DD
  const update = () => {
    const achieved = isoDate(input.value);
    if (!achieved) return;
    const chosen = input.form.querySelector('input[name="category"]:checked');
    if (chosen && !["1", "2"].includes(chosen.value)) return;
    const radio = input.form.querySelector(
      `input[name="category"][value="${achieved <= target ? 1 : 2}"]`,
    );
    if (radio) radio.checked = true;
  };
  input.addEventListener("change", update);
}

for (const input of document.querySelectorAll("input[data-completion-target]")) {
  suggestAchievedCategory(input);
}
