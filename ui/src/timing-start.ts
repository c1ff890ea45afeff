// Imported first by main.ts, so it runs before any other module of the window's script: the
// moment the script starts running, for the window benchmark (see ./timing.ts).
import { mark } from "./timing";

mark("script");
