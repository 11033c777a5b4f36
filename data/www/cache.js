// cache.js: what changes only when brul-serve restarts, fetched once
// per page load: the alert rules.

import { api } from "./api.js";

let ruleSet = null;
export const rules = () => (ruleSet ??= api("/api/v1/alert-rules").catch((e) => { ruleSet = null; throw e; }));
