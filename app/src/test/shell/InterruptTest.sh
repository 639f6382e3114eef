# Ctrl-C and leaving, at a terminal (a tmux pseudo-terminal), as a person uses the shell.

test_ctrlCStopsTheForegroundCommandNotTheContainer() {
  conf_copy
  shell_start
  shell_type 'pcm:play hw:Loopback,0,0 --seconds 30'
  shell_wait_for 's of 30\.00 s' 20 || fail "pcm:play showed no progress: $(shell_screen)"
  shell_key C-c
  shell_wait_for 'stopped by an interrupt \(Ctrl-C or kill\) after' 10 || fail "Ctrl-C did not stop pcm:play: $(shell_screen)"
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

test_ctrlCDuringPcmRecordKeepsWhatItRecorded() {
  conf_copy
  shell_start
  shell_type "pcm:record hw:Loopback,1,0 --seconds 30 --file $T/rec.wav"
  # a second or more recorded (the progress line says so) before the interrupt
  shell_wait_for '[1-9][0-9]*\.[0-9]{2} s of 30\.00 s' 20 || fail "pcm:record showed no progress: $(shell_screen)"
  shell_key C-c
  shell_wait_for 'stopped by an interrupt \(Ctrl-C or kill\): recorded .* to .*rec\.wav, a valid WAV file' 10 \
    || fail "Ctrl-C did not stop pcm:record saying what it kept: $(shell_screen)"
  [ -f "$T/rec.wav" ] || fail "the recording was deleted"
  frames=$(python3 -c "import wave,sys; w=wave.open(sys.argv[1]); print(w.getnframes())" "$T/rec.wav") \
    || fail "not a valid WAV file"
  [ "$frames" -gt 0 ] || fail "the WAV file holds no frames"
  [ "$(stat -c %s "$T/rec.wav")" -eq $((44 + frames * 4)) ] || fail "the header does not match the data"
  shell_screen | grep -q "($frames frames" || fail "the message does not say the $frames frames kept: $(shell_screen)"
  shell_type 'exit'
  [ "$(shell_exit_status 30)" = 0 ] || fail "exit failed"
}

# Progress redraws are for a terminal: none in a file or a pipe.
test_noProgressRedrawsWhenOutputIsNotATerminal() {
  conf_copy
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:play hw:Loopback,0,0 --seconds 0.3' > "$T/out" 2>&1 \
    || fail "pcm:play failed: $(cat "$T/out")"
  grep -q 'played 0.30 s' "$T/out" || fail "no result line: $(cat "$T/out")"
  ! grep -q $'\r' "$T/out" || fail "progress redraws went into a file: $(cat -A "$T/out")"
}

# Gogo's own messages stay inside: a bad command line is explained in pcmshare's words.
test_badCommandLineIsExplainedNotCoerced() {
  conf_copy
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:play --bogus 1 hw:Loopback,0,0' > "$T/out" 2>&1 \
    && fail "a bad option was accepted: $(cat "$T/out")"
  grep -q 'pcm:play: unknown option --bogus; it takes options --tone, --file, --seconds' "$T/out" \
    || fail "the message is not pcmshare's: $(cat "$T/out")"
  ! grep -q 'Cannot coerce' "$T/out" || fail "Gogo's coercion message reached the user: $(cat "$T/out")"
  printf 'RIFF\x10\x00\x00\x00WAVEfmt ' > "$T/cut.wav"
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec "pcm:play --file $T/cut.wav hw:Loopback,0,0" > "$T/out2" 2>&1 \
    && fail "a broken file was played"
  grep -q "pcm:play cannot play $T/cut.wav: " "$T/out2" || fail "the message does not name the file: $(cat "$T/out2")"
}
