# The container's ALSA server as programs meet it: aplay and arecord through the
# configuration ./pcmshare alsa-config prints; a container killed with SIGKILL wakes
# them (their next call fails at once) and leaves no SysV segment behind.

# The container's own socket in $T, and the ALSA configuration for it in $T/asound.conf.
alsa_setup() {
  command -v aplay >/dev/null || fail "alsa-utils is needed (./pcmshare test installs it)"
  conf_copy
  printf 'socket = "%s"\n' "$T/alsa.sock" > "$T/conf/pcmshare.server.alsa.cfg"
  PCMSHARE_CONF="$T/conf" "$PCMSHARE" alsa-config > "$T/asound.conf"
  grep -q "socket \"$T/alsa.sock\"" "$T/asound.conf" || fail "alsa-config did not use the configured socket: $(cat "$T/asound.conf")"
  export ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$T/asound.conf"
}

# A WAV of $2 seconds of 48 kHz stereo S16_LE silence at $1.
silence_wav() {
  python3 - "$1" "$2" <<'EOF'
import struct, sys
n = int(float(sys.argv[2]) * 48000) * 4
h = b'RIFF' + struct.pack('<I', 36 + n) + b'WAVEfmt ' + struct.pack('<IHHIIHH', 16, 1, 2, 48000, 192000, 4, 16)
open(sys.argv[1], 'wb').write(h + b'data' + struct.pack('<I', n) + bytes(n))
EOF
}

# The SysV segments (ids) process $1 has attached, from its /proc/PID/maps.
segments_of() { awk '/SYSV/ {print $5}' "/proc/$1/maps" 2>/dev/null | sort -u; }

test_aplayThroughAlsaConfig_showsInPcmListAsTheHolder() {
  alsa_setup
  shell_start
  for _ in $(seq 1 100); do [ -S "$T/alsa.sock" ] && break; sleep 0.1; done
  [ -S "$T/alsa.sock" ] || fail "no ALSA socket at $T/alsa.sock: $(shell_screen)"
  silence_wav "$T/short.wav" 3
  aplay -q -D pcmshare:Loopback,0,0 "$T/short.wav" 2> "$T/aplay.err" &
  ap=$!
  # until aplay has set up and started its stream
  for _ in $(seq 1 20); do
    shell_type 'pcm:list --open'
    shell_wait_for "hw:Loopback,0,0 +playback +RUNNING +alsa pid $ap uid $(id -u) aplay" 1 && break
  done
  shell_wait_for "hw:Loopback,0,0 +playback +RUNNING +alsa pid $ap uid $(id -u) aplay" 1 \
    || fail "pcm:list does not show aplay as the holder: $(shell_screen)"
  wait "$ap" || fail "aplay failed: $(cat "$T/aplay.err")"
  shell_type 'exit'
  [ "$(shell_exit_status 30)" = 0 ] || fail "exit failed"
}

test_aContainerKilledWithSigkill_wakesItsClients_andLeavesNoSegment() {
  alsa_setup
  shell_start
  for _ in $(seq 1 100); do [ -S "$T/alsa.sock" ] && break; sleep 0.1; done
  silence_wav "$T/long.wav" 60
  aplay -D pcmshare:Loopback,0,0 "$T/long.wav" 2> "$T/aplay.err" &
  ap=$!
  arecord -D pcmshare:Loopback,1,0 -f S16_LE -r 48000 -c 2 -d 60 "$T/rec.wav" 2> "$T/arecord.err" &
  ar=$!
  for _ in $(seq 1 100); do
    grep -q memfd "/proc/$ap/maps" 2>/dev/null && grep -q memfd "/proc/$ar/maps" 2>/dev/null && break
    sleep 0.1
  done
  grep -q memfd "/proc/$ap/maps" || fail "aplay never mapped the ring: $(cat "$T/aplay.err")"
  segs=$(segments_of "$ap"; segments_of "$ar")
  [ -n "$segs" ] || fail "no control segment attached"
  # both blocked in poll() for their next period: the case an eventfd would never wake
  for _ in $(seq 1 100); do
    grep -q poll "/proc/$ap/wchan" && grep -q poll "/proc/$ar/wchan" && break
    sleep 0.05
  done
  # this test's container: the JVM whose environment names its configuration folder
  jvm=$(for p in $(pgrep -f 'app/target/pcmshare.jar'); do
    tr '\0' '\n' < "/proc/$p/environ" | grep -qx "PCMSHARE_CONF=$T/conf" && echo "$p"; done | head -1)
  [ -n "$jvm" ] || fail "cannot find the container's JVM"
  kill -9 "$jvm"
  start=$SECONDS
  for p in "$ap" "$ar"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && { kill -9 "$p"; fail "a client still waits 10 s after the container was killed"; }
  done
  wait "$ap" && fail "aplay exited 0 although its server was killed"
  wait "$ar" && fail "arecord exited 0 although its server was killed"
  for s in $segs; do
    awk 'NR > 1 {print $2}' /proc/sysvipc/shm | grep -qx "$s" && fail "segment $s outlived its connection"
  done
  echo "clients woke within $((SECONDS - start)) s"
}
