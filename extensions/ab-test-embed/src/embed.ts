// Entry point of the inline script the block renders (bundled by ../build.ts into
// ../snippets/ab-test-embed-script.liquid). It runs in <head>, before the gallery is parsed.
import { startEmbed } from "./start-embed";

startEmbed(window);
