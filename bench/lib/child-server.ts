// Runs a server in its own process (as in production) and waits for the line announcing its URL.
import { spawn, type ChildProcess } from "node:child_process";

export async function startChildServer(command: string, args: string[], env: Record<string, string>, pattern = /listening on (http:\/\/\S+)/): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`${command} did not start within 60 s:\n${output}`)), 60_000).unref();
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
