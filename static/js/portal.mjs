// Starts GOV.UK Frontend's components (error summaries, navigation toggles…).
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();
