# Background jobs (COMMAND &) at a terminal: they say how they ended, jobs lists them, kill stops one.

test_backgroundJobSaysHowItEnded() {
  conf_copy
  shell_start
  shell_type 'pcm:play hw:Loopback,0,0 --seconds 0.3 &'
  shell_wait_for '^\[[0-9]+\] done: played 0\.30 s \(14400 frames\) of a 440 Hz tone to hw:Loopback,0,0/playback' 20 \
    || fail "the background pcm:play did not say how it ended: $(shell_screen)"
  ! shell_screen | grep -q 's of 0\.30 s' || fail "a background job drew its progress line over the prompt: $(shell_screen)"
  shell_type 'exit'
  [ "$(shell_exit_status 30)" = 0 ] || fail "exit failed"
}

test_jobsListsAndKillStopsABackgroundJob() {
  conf_copy
  shell_start
  shell_type 'pcm:play hw:Loopback,0,0 --seconds 30 &'
  shell_wait_for '^\[[0-9]+\] running in the background: pcm:play' 20 || fail "no word of the job: $(shell_screen)"
  id=$(shell_screen | sed -n 's/^\[\([0-9]*\)\] running in the background: pcm:play.*/\1/p' | tail -1)
  shell_type 'jobs'
  shell_wait_for "^\[$id\] Background +pcm:play hw:Loopback,0,0 --seconds 30" 10 || fail "jobs does not list it: $(shell_screen)"
  shell_type "kill $id"
  shell_wait_for "^\[$id\] done: stopped by an interrupt \(Ctrl-C or kill\) after" 10 \
    || fail "kill did not stop the job: $(shell_screen)"
  shell_type 'jobs'
  shell_wait_for '^no jobs' 10 || fail "the killed job is still listed: $(shell_screen)"
  shell_type 'exit'
  [ "$(shell_exit_status 30)" = 0 ] || fail "exit failed"
}

test_backgroundJobEndedByACardChangeSaysSo() {
  conf_copy
  shell_start
  shell_type 'pcm:play hw:Loopback,0,0 --seconds 30 &'
  shell_wait_for '^\[[0-9]+\] running in the background: pcm:play' 20 || fail "no word of the job: $(shell_screen)"
  # a changed configuration replaces the card: its open substreams are disconnected
  printf 'id = Loopback\nname = Loopback replaced\n' > "$T/conf/pcmshare.driver.aloop.cfg"
  shell_wait_for '^\[[0-9]+\] failed: EBADFD: pcm:play .*DISCONNECTED' 20 \
    || fail "the job ended by the card change said nothing: $(shell_screen)"
  shell_type 'exit'
  [ "$(shell_exit_status 30)" = 0 ] || fail "exit failed"
}
