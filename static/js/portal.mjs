// Starts GOV.UK Frontend's components (error summaries, navigation toggles…).
import { initAll } from "../dist/govuk-frontend.min.js";

// The portal validates forms on the server and reports problems in a GOV.UK
// error summary. Browsers' own validation bubbles would stop the form first:
// they are not accessible and cannot be styled, so the GOV.UK Design System
// says to turn them off. (The form helpers should also render `novalidate`,
// which covers people without JavaScript.)
for (const form of document.querySelectorAll("form")) {
  form.noValidate = true;
}

initAll();
