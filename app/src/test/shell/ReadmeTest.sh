# The README's examples run as written, so that they cannot go stale.

README="$ROOT/README.md"

# Every './pcmshare exec ...' and './pcmshare demo ...' line of the README's code blocks.
test_readmeExecAndDemoLinesRun() {
  conf_copy
  local n=0 line out
  while IFS= read -r line; do
    n=$((n + 1))
    out=$(cd "$ROOT" && PCMSHARE_CONF="$T/conf" eval "${line/.\/pcmshare/\"\$PCMSHARE\"}" 2>&1) \
      || fail "README line failed: $line
$out"
  done < <(awk '/^```/ {code = !code; next} code && /^\.\/pcmshare (exec|demo) /' "$README")
  [ "$n" -ge 3 ] || fail "found only $n example lines in the README"
}

# The link example of the shell command table: both substreams start at once.
test_readmeLinkExampleStartsBoth() {
  conf_copy
  local chain out
  chain=$(grep -o 'e\.g\. `pcm:open [^`]*` starts both at once' "$README" | sed 's/^e\.g\. `//; s/` starts both at once$//')
  [ -n "$chain" ] || fail "the README has no link example"
  out=$(PCMSHARE_CONF="$T/conf" "$PCMSHARE" exec "$chain; pcm:list" 2>&1) || fail "the example failed: $out"
  [ "$(printf '%s\n' "$out" | grep -Ec '^hw:[A-Za-z]+,0,[01] +playback +RUNNING')" = 2 ] \
    || fail "the two linked substreams are not both running: $out"
}
