/** Entry point of the browser dashboard (bundled by clients/web/build.mjs). */
import { Dashboard } from './dashboard.js';

void new Dashboard().load();
