// Copies GOV.UK Frontend's JavaScript next to the built stylesheet. Its images
// and fonts are GOV.UK's own brand, so none of them are copied.
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("static/dist", { recursive: true });
copyFileSync(
  "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js",
  "static/dist/govuk-frontend.min.js",
);
