#!/usr/bin/env bash
# Proves each server of scripts/servers.sh the way the publishing tests will use it:
#   bash scripts/servers.sh run bash tests/servers/smoke.sh
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
trap 'echo "smoke.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
for v in WP_URL WP_USER WP_PASSWORD MP_URL MP_TOKEN GHOST_URL GHOST_KEY GIT_URL SERVERS_DIR; do
  v=QUIRE_TEST_$v
  [[ -n ${!v:-} ]] || { echo "$v is not set: run me with scripts/servers.sh run" >&2; exit 1; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
J='Content-Type: application/json'
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
loc() { curl -s -D - -o /dev/null "$@" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}'; }
# A 1x1 PNG, to upload.
python3 -c 'import zlib,struct,sys;c=lambda t,d:struct.pack(">I",len(d))+t+d+struct.pack(">I",zlib.crc32(t+d));open(sys.argv[1],"wb").write(b"\x89PNG\r\n\x1a\n"+c(b"IHDR",struct.pack(">IIBBBBB",1,1,8,2,0,0,0))+c(b"IDAT",zlib.compress(b"\0\xff\0\0"))+c(b"IEND",b""))' "$T/t.png"

say "WordPress: create, update, upload, wrong password"
B=$QUIRE_TEST_WP_URL A="$QUIRE_TEST_WP_USER:$QUIRE_TEST_WP_PASSWORD"
ID=$(curl -sf -u "$A" -H "$J" -d '{"title":"Essay","content":"<p>Body</p>","status":"publish"}' "$B/wp-json/wp/v2/posts" | jq -e .id)
curl -sf -u "$A" -H "$J" -d '{"title":"Essay v2"}' "$B/wp-json/wp/v2/posts/$ID" | jq -e '.title.raw=="Essay v2"' >/dev/null
# A fresh database each run: WordPress's "Hello world!" (id 1) and this post, nothing else.
curl -sf -u "$A" "$B/wp-json/wp/v2/posts?status=any&per_page=100" | jq -e "map(.id)|sort==[1,$ID]" >/dev/null
curl -sf -u "$A" -H 'Content-Type: image/png' -H 'Content-Disposition: attachment; filename="t.png"' \
  --data-binary @"$T/t.png" "$B/wp-json/wp/v2/media" | jq -er .source_url > "$T/wp-image"
grep -q '/t\.png$' "$T/wp-image"     # not t-1.png: the uploads of earlier runs are gone
test "$(code "$(cat "$T/wp-image")")" = 200
curl -sf -u "$A" "$B/?rest_route=/wp/v2/posts/$ID" | jq -e ".id==$ID" >/dev/null
test "$(code -u admin:wrong "$B/wp-json/wp/v2/users/me")" = 401

say "Micropub: discovery, create, q=source, update, delete, media"
B=${QUIRE_TEST_MP_URL%/} E=${QUIRE_TEST_MP_URL}indieweb/micropub/ H="Authorization: Bearer $QUIRE_TEST_MP_TOKEN"
curl -sf "$B/" | grep -q "rel=\"micropub\" href=\"$E\""
U1=$(loc -H "$H" -d h=entry -d name=Essay -d content=Hello -d 'category[]=quire' "$E")
U2=$(loc -H "$H" -H "$J" -d '{"type":["h-entry"],"properties":{"name":["Two"],"content":[{"html":"<p>Hi</p>"}]}}' "$E")
[[ $U1 == "$B/entries/1/" && $U2 == "$B/entries/2/" ]]     # numbering starts afresh each run
curl -sf -H "$H" "$E?q=source&url=$U2" | jq -e '.properties.name==["Two"]' >/dev/null
test "$(code -H "$H" -H "$J" -d "{\"action\":\"update\",\"url\":\"$U2\",\"replace\":{\"name\":[\"Two v2\"]}}" "$E")" = 204
curl -sf -H "$H" "$E?q=source&url=$U2&properties[]=name" | jq -e '.properties.name==["Two v2"]' >/dev/null
test "$(code -H "$H" -d action=delete -d url="$U1" "$E")" = 204
test "$(code -H "$H" "$E?q=source&url=$U1")" = 400
curl -sf -H "$H" "$E?q=config" | jq -e ".\"media-endpoint\"==\"$B/indieweb/media/\"" >/dev/null
M=$(loc -H "$H" -F file=@"$T/t.png" "$B/indieweb/media/") && test "$(code "$M")" = 200
test "$(code -d h=entry -d content=x "$E")" = 401

say "Ghost: create, update, stale update refused, image upload"
B=$QUIRE_TEST_GHOST_URL P=$QUIRE_TEST_GHOST_URL/ghost/api/admin/posts
A="Authorization: Ghost $(python3 "$HERE/jwt.py" "$QUIRE_TEST_GHOST_KEY")"
# Only the post made here (a fresh site has Ghost's sample posts, no others).
curl -sf -G -H "$A" --data-urlencode "filter=title:'Essay'" "$P/" | jq -e '.posts|length==0' >/dev/null
R=$(curl -sf -H "$A" -H "$J" "$P/?source=html" -d '{"posts":[{"title":"Essay","html":"<p>Body</p>","status":"published"}]}')
ID=$(jq -r '.posts[0].id' <<<"$R") UA=$(jq -r '.posts[0].updated_at' <<<"$R")
sleep 1     # updated_at has a resolution of 1 s
curl -sf -H "$A" -H "$J" -X PUT "$P/$ID/?source=html" \
  -d "{\"posts\":[{\"title\":\"Essay v2\",\"html\":\"<p>v2</p>\",\"updated_at\":\"$UA\"}]}" | jq -e '.posts[0].title=="Essay v2"' >/dev/null
test "$(code -H "$A" -H "$J" -X PUT "$P/$ID/?source=html" -d "{\"posts\":[{\"title\":\"v3\",\"updated_at\":\"$UA\"}]}")" = 409
curl -sf -H "$A" -F file=@"$T/t.png" -F purpose=image "$B/ghost/api/admin/images/upload/" | jq -e '.images[0].url' >/dev/null
# Signed with the wrong secret: refused.
test "$(code -H "Authorization: Ghost $(python3 "$HERE/jwt.py" "${QUIRE_TEST_GHOST_KEY%%:*}:$(printf '%064d' 0)")" "$P/")" = 401

say "git daemon: push"
if git ls-remote --exit-code "$QUIRE_TEST_GIT_URL" >/dev/null; then echo "site.git is not empty" >&2; exit 1; fi
git init -q -b main "$T/work"
echo '# Essay' > "$T/work/essay.md"
git -C "$T/work" add . && git -C "$T/work" -c user.name=Q -c user.email=q@example.invalid commit -qm essay
git -C "$T/work" push -q "$QUIRE_TEST_GIT_URL" main
test "$(git ls-remote "$QUIRE_TEST_GIT_URL" refs/heads/main | cut -f1)" = "$(git -C "$T/work" rev-parse HEAD)"

say "Secret Service: store, lookup, clear"
printf %s s3cr3t | secret-tool store --label="Quire token" service quire-smoke account alice
test "$(secret-tool lookup service quire-smoke account alice)" = s3cr3t
secret-tool clear service quire-smoke account alice
if secret-tool lookup service quire-smoke account alice >/dev/null; then echo "not cleared" >&2; exit 1; fi

say "all servers answered"
