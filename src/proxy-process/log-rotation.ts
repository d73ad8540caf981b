import { PROXY_MARKER, type LaunchPlan } from "./launch.js";

/** One log file grows to about this size before it is rotated. */
export const LOG_MAX_BYTES = 10 * 1024 * 1024;
/** Rotated files kept beside the log: `proxy.log.1` (newest) to `.N`. */
export const LOG_BACKUPS = 3;

/**
 * Overrides for the two limits, read from the launcher's environment. Not
 * advertised: they exist so that rotation can be seen with a real proxy
 * without writing megabytes first.
 */
const MAX_BYTES_VARIABLE = "TDM_LITELLM_LOG_MAX_BYTES";
const BACKUPS_VARIABLE = "TDM_LITELLM_LOG_BACKUPS";
const FILE_VARIABLE = "TDM_LITELLM_LOG_FILE";

/**
 * Runs inside the detached proxy before LiteLLM is imported. It points
 * file descriptors 1 and 2 at a pipe and starts a daemon thread of the
 * proxy's own process that copies the pipe into the log, rotating it by
 * size. So no extra process stays resident, the log cannot fill the disk,
 * and whatever the proxy or its children write lands in the log. At exit,
 * and on SIGTERM before the process dies of it, the pipe is closed and the
 * thread drained, so last words are kept.
 *
 * Its settings come in variables that it removes again, so they do not
 * reach the proxy's children. Lines stay whole across a rotation unless a
 * single write holds no line break at all.
 */
export const ROTATING_LOG_PRELUDE = String.raw`
# ${PROXY_MARKER}, detached: its output goes to a log rotated by size
import atexit as _tdm_atexit, os as _tdm_os, sys as _tdm_sys, threading as _tdm_threading
def _tdm_rotating_log():
    os = _tdm_os
    path = os.environ.pop("${FILE_VARIABLE}", "")
    max_bytes = int(os.environ.pop("${MAX_BYTES_VARIABLE}", "0") or 0)
    backups = int(os.environ.pop("${BACKUPS_VARIABLE}", "0") or 0)
    if not path or max_bytes <= 0:
        return
    def open_log():
        return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    def rotate(fd):
        os.close(fd)
        if backups > 0:
            for index in range(backups - 1, 0, -1):
                older = "%s.%d" % (path, index)
                if os.path.exists(older):
                    os.replace(older, "%s.%d" % (path, index + 1))
            os.replace(path, path + ".1")
        else:
            os.truncate(path, 0)
        return open_log()
    def write_all(fd, data):
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    read_end, write_end = os.pipe()
    def pump():
        fd = open_log()
        size = os.fstat(fd).st_size
        while True:
            try:
                data = os.read(read_end, 65536)
            except OSError:
                break
            if not data:
                break
            while data:
                room = max_bytes - size
                if len(data) <= room:
                    write_all(fd, data)
                    size += len(data)
                    break
                cut = data.rfind(b"\n", 0, max(room, 0)) + 1
                if cut == 0 and size == 0:
                    cut = (data.find(b"\n", room) + 1) or len(data)
                write_all(fd, data[:cut])
                data = data[cut:]
                fd = rotate(fd)
                size = 0
        os.close(fd)
    for stream in (_tdm_sys.stdout, _tdm_sys.stderr):
        stream.flush()
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    thread = _tdm_threading.Thread(target=pump, name="tdm-litellm-log", daemon=True)
    thread.start()
    drained = []
    def drain():
        if drained:
            return
        drained.append(True)
        for stream in (_tdm_sys.stdout, _tdm_sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        thread.join(2)
    _tdm_atexit.register(drain)
    # uvicorn ends a SIGTERM'd server by raising the signal again under the
    # handler it found, which would skip atexit and lose the last lines.
    import signal
    def on_terminate(number, frame):
        drain()
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, on_terminate)
_tdm_rotating_log()
`.trim();

export interface LogLimits {
  maxBytes: number;
  backups: number;
}

/** The limits, with the launcher's overrides when they are valid numbers. */
export function logLimitsFrom(env: NodeJS.ProcessEnv): LogLimits {
  const maxBytes = Number(env[MAX_BYTES_VARIABLE]);
  const backups = Number(env[BACKUPS_VARIABLE]);
  return {
    maxBytes:
      Number.isInteger(maxBytes) && maxBytes > 0 ? maxBytes : LOG_MAX_BYTES,
    backups: Number.isInteger(backups) && backups >= 0 ? backups : LOG_BACKUPS,
  };
}

/**
 * The plan with the rotating log in front of its Python code, or undefined
 * when the plan does not run Python code given with `-c`.
 */
export function withRotatingLog(
  plan: LaunchPlan,
  logPath: string,
  limits: LogLimits,
): LaunchPlan | undefined {
  const [python, flag, code, ...rest] = plan.argv;
  if (flag !== "-c" || code === undefined) return undefined;
  return {
    ...plan,
    argv: [python, "-c", `${ROTATING_LOG_PRELUDE}\n${code}`, ...rest],
    env: {
      ...plan.env,
      [FILE_VARIABLE]: logPath,
      [MAX_BYTES_VARIABLE]: String(limits.maxBytes),
      [BACKUPS_VARIABLE]: String(limits.backups),
    },
  };
}
