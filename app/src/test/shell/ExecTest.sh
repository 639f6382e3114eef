# ./pcmshare exec while an interactive container runs on the same configuration
# folder: the line runs in that container (through its exec socket), not in a second one.

test_execSeesWhatTheInteractiveContainerOpened() {
  conf_copy
  shell_start
  shell_type 'pcm:open hw:Dummy,0,0'
  shell_wait_for 'opened hw:Dummy,0,0/playback' 20 || fail "pcm:open did not open: $(shell_screen)"
  ls "$T"/run/exec-*.sock > /dev/null 2>&1 || fail "the interactive container made no exec socket in $T/run"
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:list --open --plain' > "$T/list" 2> "$T/list.err" \
    || fail "exec failed: $(cat "$T/list" "$T/list.err")"
  grep -q $'^hw:Dummy,0,0\tplayback\tSETUP\tshell (pcm:open)' "$T/list" \
    || fail "exec did not see the substream the shell opened: $(cat "$T/list" "$T/list.err")"
  # what the command says goes to the right stream, and a failure to the exit status
  rc=0
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:open hw:Dummy,0,0' > "$T/again" 2> "$T/again.err" || rc=$?
  [ "$rc" = 1 ] || fail "a refused command did not exit 1 but $rc: $(cat "$T/again" "$T/again.err")"
  grep -q 'the shell already holds hw:Dummy,0,0/playback' "$T/again.err" \
    || fail "the refusal did not reach standard error: $(cat "$T/again" "$T/again.err")"
  [ ! -s "$T/again" ] || fail "a refusal wrote to standard output: $(cat "$T/again")"
  # PCMSHARE_EXEC=new runs a container of its own, where nothing is open
  PCMSHARE_EXEC=new PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:list --open --plain' > "$T/own" 2>&1 \
    || fail "exec in a container of its own failed: $(cat "$T/own")"
  ! grep -q 'hw:Dummy,0,0' "$T/own" || fail "a container of its own saw the shell's substream: $(cat "$T/own")"
  shell_type 'exit 0'
  [ "$(shell_exit_status 30)" = 0 ] || fail "the interactive container did not exit 0: $(shell_screen)"
  ! ls "$T"/run/exec-*.sock > /dev/null 2>&1 || fail "the exec socket outlived the container: $(ls -l "$T/run")"
  # with no container running, exec starts one
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:list --open --plain' > "$T/after" 2>&1 \
    || fail "exec without a running container failed: $(cat "$T/after")"
}

# A container that was killed leaves its socket behind: exec does not hang on it, and the next
# interactive container takes the socket over.
test_aStaleSocketIsNoObstacle() {
  conf_copy
  shell_start
  local pane pid
  # the container is the pane's own child (./pcmshare execs java): nobody else's process
  pane=$(tmux display-message -p -t "$TMUX_SESSION" '#{pane_pid}') || fail "no tmux pane"
  pid=$(pgrep -P "$pane" -x java) || fail "no container process under the pane ($pane)"
  kill -9 "$pid"
  [ "$(shell_exit_status 30)" = 137 ] || fail "the container did not die of the kill"
  ls "$T"/run/exec-*.sock > /dev/null 2>&1 || fail "no socket left behind to test with"
  timeout 120 env PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:cards' > "$T/cards" 2>&1 \
    || fail "exec failed beside a stale socket: $(cat "$T/cards")"
  grep -q 'Dummy' "$T/cards" || fail "exec did not run in a container of its own: $(cat "$T/cards")"
}

# An exec that goes away (Ctrl-C, a kill) interrupts its command in the container, as Ctrl-C at
# the prompt would: the substream it played to is closed.
test_anExecThatGoesAwayInterruptsItsCommand() {
  conf_copy
  shell_start
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:play hw:Loopback,0,0 --seconds 60' > "$T/play" 2>&1 &
  local exec_pid=$! i open=""
  for i in $(seq 100); do
    if PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:list --open --plain' | grep -q '^hw:Loopback,0,0'; then
      open=yes; break
    fi
    sleep 0.1
  done
  [ -n "$open" ] || fail "the exec's pcm:play never opened hw:Loopback,0,0: $(cat "$T/play")"
  # a background job of a script ignores SIGINT: TERM ends the exec as Ctrl-C would
  kill -TERM "$exec_pid"
  wait "$exec_pid" || true
  for i in $(seq 50); do
    PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:list --open --plain' | grep -q '^hw:Loopback,0,0' || return 0
    sleep 0.1
  done
  fail "pcm:play went on after its exec went away: $(PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:list --open')"
}

# Progress lines are for a terminal: an exec whose output is a file gets none, though the
# container that runs its line has one.
test_anExecIntoAFileGetsNoProgressLines() {
  conf_copy
  shell_start
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:play hw:Loopback,0,0 --seconds 0.5' > "$T/play" 2>&1 \
    || fail "exec failed: $(cat "$T/play")"
  grep -q 'played 0.50 s' "$T/play" || fail "no result: $(cat "$T/play")"
  ! grep -q $'\r' "$T/play" || fail "progress redraws in a file: $(cat -A "$T/play" | head -3)"
}
