#!/usr/bin/env bash
# Part of tests/package/run.sh, run inside xvfb-run: starts the installed quire-desktop on an
# essay file (as a file manager does: `quire-desktop FILE.md`), waits for its window and until
# the window has that essay open, takes a screenshot, and closes the app.
#   window.sh WORK SCREENSHOT     (WORK holds essays/ and the store; HOME points into it)
set -euo pipefail
work=$1
shot=$2
essay=$work/essays/feature-tour.md

/usr/bin/quire-desktop "$essay" >"$work/app.log" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true' EXIT

# The window is mapped…
if ! timeout 60 xdotool search --sync --onlyvisible --pid "$app" >/dev/null 2>&1; then
  echo "no window within 60 s; the app said:" >&2
  cat "$work/app.log" >&2
  exit 1
fi
# …and remembers (ui-state.json) that the essay it shows in this folder is the one asked for.
python3 - "$work" <<'PY'
import json, pathlib, sqlite3, sys, time
work = pathlib.Path(sys.argv[1])
folder = str((work / "essays").resolve())
state = pathlib.Path(work / "home/.config/quire/ui-state.json")
deadline = time.time() + 30
seen = None
while time.time() < deadline:
    try:
        db = sqlite3.connect(f"file:{work / 'quire.db'}?mode=ro", uri=True)
        row = db.execute("SELECT id FROM essays WHERE path = 'feature-tour.md'").fetchone()
        db.close()
        seen = json.loads(state.read_text()).get("libraries", {}).get(folder)
        if row and seen and seen.get("id") == row[0]:
            sys.exit(0)
    except (OSError, ValueError, sqlite3.Error):
        pass
    time.sleep(0.2)
sys.exit(f"the window did not open feature-tour.md (it remembers {seen!r} for {folder})")
PY
sleep 1
import -window root "$shot"
colours=$(identify -format '%k' "$shot")
echo "screenshot: $shot ($colours colours)"
((colours > 50)) || {
  echo "the window looks blank ($colours colours)" >&2
  exit 1
}
