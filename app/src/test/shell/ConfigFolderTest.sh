# The configuration folder belongs to whoever edits it: pcmshare only reads it.

# Every container start used to write each configuration back (FileInstall's
# default), which could leave a file empty while another container read it.
test_configFilesAreNeverWritten() {
  mkdir -p "$T/conf"
  printf '# a comment pcmshare must keep\nid = Loopback\nname = Loopback\npcmSubstreams = 4\n' \
    > "$T/conf/pcmshare.driver.aloop.cfg"
  printf '# the dummy card\nid = Dummy\n' > "$T/conf/pcmshare.driver.dummy-default.cfg"
  touch -d '2020-01-01 00:00:00' "$T/conf"/*.cfg
  (cd "$T/conf" && sha256sum ./*.cfg && stat -c '%n %Y' ./*.cfg) > "$T/before"
  # one container stays up while two more start and stop beside it (PCMSHARE_EXEC=new: exec would
  # otherwise run its line in the first)
  shell_start
  PCMSHARE_EXEC=new PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:cards' > "$T/out1" 2>&1 \
    || fail "exec failed: $(cat "$T/out1")"
  PCMSHARE_EXEC=new PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec 'pcm:cards' > "$T/out2" 2>&1 \
    || fail "exec failed: $(cat "$T/out2")"
  shell_type 'pcm:cards'
  shell_wait_for '^1 +Dummy' 20 || fail "the interactive container lacks the dummy card: $(shell_screen)"
  shell_type 'exit 0'
  [ "$(shell_exit_status 30)" = 0 ] || fail "the interactive container did not exit 0"
  (cd "$T/conf" && sha256sum ./*.cfg && stat -c '%n %Y' ./*.cfg) > "$T/after"
  diff "$T/before" "$T/after" || fail "configuration files were written: $(head -50 "$T/conf"/*.cfg)"
  grep -q 'Loopback' "$T/out1" || fail "exec did not list the Loopback card: $(cat "$T/out1")"
}

# ./pcmshare help names every environment variable the script reads.
test_helpListsEveryEnvironmentVariableTheScriptReads() {
  local help var missing=""
  help=$("$PCMSHARE" help)
  # ${NAME and $NAME of upper-case names that the script does not set itself
  for var in $(grep -o '\${\?[A-Z][A-Z_]*' "$PCMSHARE" | tr -d '${' | sort -u); do
    # set by the script itself, or by bash
    grep -Eq "(^|[[:space:];])$var=" "$PCMSHARE" && continue
    case "$var" in SECONDS|PIPESTATUS|BASH_SOURCE) continue ;; esac
    printf '%s\n' "$help" | grep -q "$var" || missing="$missing $var"
  done
  [ -z "$missing" ] || fail "./pcmshare help does not name:$missing"
  "$PCMSHARE" help | grep -q 'PCMSHARE_CONF' || fail "no PCMSHARE_CONF"
}

# Maven's output carries no ANSI escapes where it is not read on a terminal.
test_buildOutputHasNoAnsiEscapesOffATerminal() {
  "$PCMSHARE" build > "$T/build.out" 2>&1 || fail "the build failed: $(tail -20 "$T/build.out")"
  ! grep -q $'\x1b' "$T/build.out" || fail "ANSI escapes in the build output: $(cat -A "$T/build.out" | head -5)"
}
