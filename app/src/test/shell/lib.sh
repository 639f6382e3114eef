# Helpers for the shell-level tests: each *Test.sh file defines test_* functions,
# run by `./pcmshare test` one by one (each in its own bash, in a fresh temporary
# folder $T, from the workspace root), against the container the build just made.
# A test fails by exiting non-zero; what it printed is the failure's message.

ROOT=${ROOT:?}
PCMSHARE="$ROOT/pcmshare"
# a container's exec socket in the test's folder: a test never reaches a container the user runs
[ -n "${T:-}" ] && export PCMSHARE_RUNTIME_DIR="$T/run"

fail() { printf 'FAILED: %s\n' "$*"; exit 1; }

# The default configuration folder copied to $T/conf, so that a test never touches app/conf.
conf_copy() {
  mkdir -p "$T/conf"
  cp "$ROOT"/app/conf/*.cfg "$T/conf/"
}

# --- a person at a terminal: the interactive shell in a tmux pseudo-terminal ---
TMUX_SESSION="pcmshare-test-$$"

# Starts ./pcmshare in a detached tmux session; the exit status goes to $T/exit.
shell_start() {
  command -v tmux >/dev/null || fail "tmux is needed for terminal tests"
  # the container's output goes to the pseudo-terminal itself (a pipe would not be a terminal);
  # tmux copies what the pane shows to $T/console
  tmux new-session -d -s "$TMUX_SESSION" -x 200 -y 50 \
    "until [ -e '$T/piped' ]; do sleep 0.05; done; cd '$ROOT' && PCMSHARE_CONF='$T/conf' PCMSHARE_RUNTIME_DIR='$T/run' '$PCMSHARE'; echo \$? > '$T/exit'; sleep 600"
  tmux pipe-pane -t "$TMUX_SESSION" -o "cat >> '$T/console'"
  # the container starts once the pane's copy runs, so the console file misses nothing
  touch "$T/piped"
  trap 'tmux kill-session -t "$TMUX_SESSION" 2>/dev/null || true' EXIT
  shell_wait_for 'g! ' 60 || fail "the shell did not show its prompt within 60 s: $(shell_screen)"
}

shell_screen() { tmux capture-pane -p -J -S -200 -t "$TMUX_SESSION" 2>/dev/null; }

shell_type() { tmux send-keys -t "$TMUX_SESSION" -l "$1"; tmux send-keys -t "$TMUX_SESSION" Enter; }

shell_key() { tmux send-keys -t "$TMUX_SESSION" "$1"; }

# Waits (polling the screen, at most $2 s) until the screen matches the regex $1.
shell_wait_for() {
  local deadline=$((SECONDS + ${2:-20}))
  while [ $SECONDS -lt $deadline ]; do
    shell_screen | grep -Eq -- "$1" && return 0
    sleep 0.2
  done
  return 1
}

# Counts the lines of the screen matching the regex $1.
shell_count() { shell_screen | grep -Ec -- "$1" || true; }

# Waits at most $1 s for the container to exit; prints its exit status.
shell_exit_status() {
  local deadline=$((SECONDS + ${1:-20}))
  while [ $SECONDS -lt $deadline ]; do
    [ -s "$T/exit" ] && { cat "$T/exit"; return 0; }
    sleep 0.2
  done
  echo "still running"
}
