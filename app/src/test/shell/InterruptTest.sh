# Ctrl-C and leaving, at a terminal (a tmux pseudo-terminal), as a person uses the shell.

test_ctrlCStopsTheForegroundCommandNotTheContainer() {
  conf_copy
  shell_start
  shell_type 'pcm:play hw:Loopback,0,0 --seconds 30'
  shell_wait_for 's of 30\.00 s' 20 || fail "pcm:play showed no progress: $(shell_screen)"
  shell_key C-c
  shell_wait_for 'stopped by an interrupt \(Ctrl-C\) after' 10 || fail "Ctrl-C did not stop pcm:play: $(shell_screen)"
  [ ! -s "$T/exit" ] || fail "Ctrl-C ended the container (exit $(cat "$T/exit")): $(shell_screen)"
  shell_type 'pcm:status hw:Loopback,0,0'
  shell_wait_for 'closed|not open' 10 || fail "the substream was not closed after Ctrl-C: $(shell_screen)"
  # at the prompt, Ctrl-C only starts a fresh line
  shell_key C-c
  shell_type 'pcm:cards'
  shell_wait_for '^[0-9]+ cards?' 10 || fail "the shell did not take a command after Ctrl-C at the prompt: $(shell_screen)"
  [ ! -s "$T/exit" ] || fail "Ctrl-C at the prompt ended the container: $(shell_screen)"
  shell_type 'exit'
  [ "$(shell_exit_status 30)" = 0 ] || fail "exit did not leave with status 0: $(shell_screen)"
  ! grep -Eq 'Exception|went away' "$T/console" || fail "leaving printed an exception: $(cat "$T/console")"
}

test_exitWithAStatusLeavesWithIt() {
  conf_copy
  shell_start
  shell_type 'exit 3'
  [ "$(shell_exit_status 30)" = 3 ] || fail "exit 3 did not leave with status 3: $(shell_screen)"
  ! grep -q 'Exception' "$T/console" || fail "leaving printed an exception: $(cat "$T/console")"
}

test_shutdownLeavesCleanly() {
  conf_copy
  shell_start
  shell_type 'shutdown'
  [ "$(shell_exit_status 30)" = 0 ] || fail "shutdown did not leave with status 0: $(shell_screen)"
  ! grep -q 'Exception' "$T/console" || fail "shutdown printed an exception: $(cat "$T/console")"
}
