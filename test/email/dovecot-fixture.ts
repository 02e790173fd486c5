import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import os from "node:os";
import path from "node:path";

const DOVECOT = "/usr/sbin/dovecot";

/**
 * Makes sure Debian's dovecot-imapd is there: installed when we are root and it is missing. Returns a reason
 * to skip (printed loudly by the caller) when it cannot be.
 */
export function ensureDovecot(): string | null {
  if (existsSync(DOVECOT)) return null;
  if (process.getuid?.() !== 0) return `${DOVECOT} is missing and we are not root: run \`apt-get install dovecot-imapd\``;
  try {
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "dovecot-imapd"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  } catch (err) {
    return `installing dovecot-imapd failed: ${(err as Error).message}`;
  }
  return existsSync(DOVECOT) ? null : "dovecot-imapd installed but /usr/sbin/dovecot is still missing";
}

async function freePort() {
  return new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket();
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
      s.connect(port, "127.0.0.1");
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port}`);
}

/**
 * A throwaway dovecot: its own config, a passwd-file user and a maildir in a temp folder, IMAP on a free
 * 127.0.0.1 port. The system dovecot config is never read (`-c` points at ours, with no includes).
 */
export async function startDovecot() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "deskling-dovecot-"));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // As root, mail is owned by the dovecot system user (dovecot refuses uid 0 for mail); otherwise by us.
  const owner = root ? { name: "dovecot", uid: Number(execFileSync("id", ["-u", "dovecot"]).toString()), gid: Number(execFileSync("id", ["-g", "dovecot"]).toString()) } : { name: os.userInfo().username, uid: os.userInfo().uid, gid: os.userInfo().gid };
  const user = "support@deskling.test";
  const pass = "imap-test-pass";
  await mkdir(path.join(dir, "mail"), { recursive: true });
  await mkdir(path.join(dir, "run"), { recursive: true });
  if (root) {
    await chown(dir, owner.uid, owner.gid);
    await chown(path.join(dir, "mail"), owner.uid, owner.gid);
  }
  await writeFile(path.join(dir, "passwd"), `${user}:{PLAIN}${pass}::::::\n`);
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${root ? "dovecot" : owner.name}
default_login_user = ${root ? "dovenull" : owner.name}
${root ? "" : `default_internal_group = ${execFileSync("id", ["-gn"]).toString().trim()}`}
first_valid_uid = ${owner.uid}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  const confPath = path.join(dir, "dovecot.conf");
  await writeFile(confPath, conf);
  const child = spawn(DOVECOT, ["-F", "-c", confPath], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  try {
    await waitForPort(port, child);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return {
    port,
    user,
    pass,
    url: `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
