// The video panel's entry point, a file of its own so that the page needs no inline script.
import { start } from "./room.js";

start();
