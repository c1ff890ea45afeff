#!/usr/bin/env bash
# Real publishing servers for the tests, all on 127.0.0.1 (recipe: shared/notes/publishing-servers.md).
#
#   bash scripts/servers.sh install          once per machine; quick when already done
#   bash scripts/servers.sh run CMD [ARGS]   fresh servers, CMD with QUIRE_TEST_* set, then everything stopped
#
# `run` starts WordPress (:8081), Micropub (:8765), Ghost (:2368), a git daemon (:9418) and, around
# CMD, a D-Bus session with an unlocked gnome-keyring Secret Service. State lives in a new temp
# dir (QUIRE_TEST_SERVERS_DIR) that is removed afterwards; the exit status is CMD's.
set -euo pipefail
# No cd: CMD runs where the caller is.
SCRIPT="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'servers.sh: error: %s\n' "$*" >&2; exit 1; }

# Outside the clone so that CI's fresh clones reuse the slow installs.
OPT=/opt/quire-test-servers
MP_VENV=$OPT/micropub-venv
GHOST_VERSION=5.130.6
GHOST_APP=$OPT/ghost-$GHOST_VERSION
APT_PACKAGES=(wordpress mariadb-server apache2 libapache2-mod-php php-mysql
  gnome-keyring libsecret-tools dbus jq curl python3-venv)

WP_PORT=8081 MP_PORT=8765 GHOST_PORT=2368 GIT_PORT=9418

install() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    local log
    log=$(mktemp)
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > "$log" 2>&1 ||
      { tail -30 "$log" >&2; die "apt-get failed"; }
    rm -f "$log"
    say "apt: installed ${missing[*]}"
  else
    say "apt: packages already there"
  fi

  if "$MP_VENV/bin/python" -c 'import indieweb' 2>/dev/null; then
    say "micropub: venv already there ($MP_VENV)"
  else
    rm -rf "$MP_VENV" && mkdir -p "$OPT"
    python3 -m venv "$MP_VENV"
    "$MP_VENV/bin/pip" install --quiet --disable-pip-version-check 'django-indieweb==0.6.2'
    say "micropub: installed django-indieweb 0.6.2 in $MP_VENV"
  fi

  if [[ -f $GHOST_APP/node_modules/sqlite3/build/Release/node_sqlite3.node ]]; then
    say "ghost: $GHOST_VERSION already there ($GHOST_APP)"
  else
    install_ghost
    say "ghost: installed $GHOST_VERSION in $GHOST_APP"
  fi
}

# `npm install ghost@5` and a plain install of the unpacked package both fail (a file: dependency,
# github tarballs in yarn.lock, peer-dependency conflicts); npm without the lockfile and devDeps works.
install_ghost() {
  mkdir -p "$OPT"
  rm -rf "$OPT"/ghost-tmp.*      # left by an interrupted install
  local tmp
  tmp=$(mktemp -d "$OPT/ghost-tmp.XXXXXX")
  say "ghost: installing $GHOST_VERSION (about 3 minutes: sqlite3 and re2 compile; log in $tmp/npm-install.log)"
  # A plain subshell, not `( ... ) || die`: that would switch off set -e inside it.
  (
    cd "$tmp"
    npm pack "ghost@$GHOST_VERSION" --silent >/dev/null
    mkdir app && tar xzf "ghost-$GHOST_VERSION.tgz" -C app --strip-components=1
    cd app && rm -f yarn.lock
    node -e 'const fs=require("fs"),p=JSON.parse(fs.readFileSync("package.json"));delete p.devDependencies;p.overrides={};
      for(const[k,v]of Object.entries(p.resolutions||{})){if(v.startsWith("file:"))continue;p.overrides[k]=v;
      if(p.dependencies[k])p.dependencies[k]=v}delete p.resolutions;fs.writeFileSync("package.json",JSON.stringify(p,null,2))'
    # node-gyp must use the local headers: its download from nodejs.org fails here, and since
    # sqlite3 is optional npm would still succeed and Ghost would fail at boot.
    npm_config_nodedir=/usr npm install --omit=dev --legacy-peer-deps --no-audit --no-fund \
      > "$tmp/npm-install.log" 2>&1 || { tail -30 "$tmp/npm-install.log" >&2; exit 1; }
    node -e 'require("sqlite3")'
  )
  rm -rf "$GHOST_APP"
  mv "$tmp/app" "$GHOST_APP"
  rm -rf "$tmp"
}

# --- run ------------------------------------------------------------------------------------

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for SECONDS WHAT PID COMMAND...: polls every 0.2 s until COMMAND succeeds; gives up
# at once when PID (if not empty) has exited, e.g. a server that crashed at boot.
wait_for() {
  local secs=$1 what=$2 pid=$3 i; shift 3
  for ((i = 0; i < secs * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || die "$what exited while starting (see its log)"
    sleep 0.2
  done
  die "$what did not come up within ${secs}s"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# kill_wait PID...: TERM, then KILL whatever is still there after 10 s.
kill_wait() {
  local pid i
  for pid in "$@"; do pid_alive "$pid" && kill "$pid" 2>/dev/null; done
  for ((i = 0; i < 50; i++)); do
    for pid in "$@"; do pid_alive "$pid" && break; pid=""; done
    [[ -z $pid ]] && return 0
    sleep 0.2
  done
  for pid in "$@"; do pid_alive "$pid" && kill -9 "$pid" 2>/dev/null; done
  return 0
}

APACHE_PIDFILE=/run/apache2/apache2.pid
MARIADB_PIDFILE=/run/mysqld/mysqld.pid

# Stops Apache and MariaDB and waits until they, and any other PIDs given, have exited.
stop_machine_services() {
  local apache_pid mariadb_pid
  apache_pid=$(cat "$APACHE_PIDFILE" 2>/dev/null || true)
  mariadb_pid=$(cat "$MARIADB_PIDFILE" 2>/dev/null || true)
  pid_alive "$apache_pid" && apachectl stop >/dev/null 2>&1
  pid_alive "$mariadb_pid" && service mariadb stop >/dev/null 2>&1
  kill_wait "$apache_pid" "$mariadb_pid" "$@"
}

# What a run has started, for the next run to stop if this one is killed outright (SIGKILL,
# a lost machine session) before its trap could: "dir PATH" and "pid PID COMM" lines.
STATE=/run/quire-test-servers.state
remember() { echo "$*" >> "$STATE"; }
remember_pid() { remember pid "$1" "$(cat "/proc/$1/comm" 2>/dev/null)"; }

clean_stale() {
  [[ -f $STATE ]] || return 0
  say "stopping what a killed run left behind"
  local kind a b pids=()
  while read -r kind a b; do
    case $kind in
      # Only if the pid still names the same program: pids are reused.
      pid) [[ $(cat "/proc/$a/comm" 2>/dev/null) == "$b" ]] && pids+=("$a") ;;
      dir) [[ $a == */quire-servers.* ]] && rm -rf "$a" ;;
    esac
  done < "$STATE"
  kill_wait "${pids[@]}"
  rm -f "$STATE"
}

STATUS=1
cleanup() {
  set +e
  trap - EXIT INT TERM
  local t0 f
  t0=$(now)
  if ((STATUS != 0)) && [[ -d ${W:-} ]]; then
    for f in "$W"/*.log /var/log/apache2/quire-wp-error.log; do
      [[ -s $f ]] || continue
      printf '\n--- last lines of %s ---\n' "$f" >&2
      tail -n 25 "$f" >&2
    done
  fi
  # All told to stop first, then waited for together: shutting down takes seconds each.
  local own=("$(cat "$W/keyring.pid" 2>/dev/null)" "${MP_PID:-}" "${GHOST_PID:-}" "${GIT_PID:-}") pid
  for pid in "${own[@]}"; do pid_alive "$pid" && kill "$pid" 2>/dev/null; done
  if ((STARTED_MACHINE_SERVICES)); then stop_machine_services "${own[@]}"; else kill_wait "${own[@]}"; fi
  rm -rf "$W" "$STATE"
  say "servers stopped in $(since "$t0") s"
  exit "$STATUS"
}

run() {
  (($#)) || die "usage: servers.sh run CMD [ARGS...]"
  for cmd in apachectl mysqladmin dbus-run-session gnome-keyring-daemon secret-tool jq curl git; do
    command -v "$cmd" >/dev/null || die "$cmd is missing: run 'bash scripts/servers.sh install' first"
  done
  [[ -x $MP_VENV/bin/python && -f $GHOST_APP/node_modules/sqlite3/build/Release/node_sqlite3.node ]] ||
    die "Micropub or Ghost is not installed: run 'bash scripts/servers.sh install' first"

  # The ports are fixed (the tests know them), so two runs at once cannot work.
  exec 9>/run/lock/quire-test-servers.lock
  flock -n 9 || die "another 'servers.sh run' is active"

  clean_stale
  W=$(mktemp -d -t quire-servers.XXXXXX)
  remember dir "$W"
  STARTED_MACHINE_SERVICES=0
  trap cleanup EXIT
  trap 'STATUS=130; exit' INT
  trap 'STATUS=143; exit' TERM
  local t0
  t0=$(now)

  # An Apache or MariaDB left by a run that was killed outright would hold the port / old state.
  stop_machine_services
  for port in $WP_PORT $MP_PORT $GHOST_PORT $GIT_PORT; do
    port_free "$port" || die "port 127.0.0.1:$port is already in use by something else ($(ss -ltnpH "sport = :$port" | grep -o 'users:.*' || true))"
  done

  # Ghost boots slowest, so it starts first and is waited for last.
  start_ghost
  STARTED_MACHINE_SERVICES=1
  start_wordpress
  start_micropub
  start_git
  finish_ghost
  export QUIRE_TEST_SERVERS_DIR=$W
  say "servers ready in $(since "$t0") s (logs in $W)"

  # CMD runs inside a D-Bus session that has the keyring; the rest happens in `_session` below.
  # dbus-daemon's own warnings ("Failed to set fd limit") go to a log, not into CMD's output.
  printf '#!/bin/sh\nexec dbus-daemon "$@" 2>>"%s/dbus.log"\n' "$W" > "$W/dbus-daemon"
  chmod +x "$W/dbus-daemon"
  local status=0
  dbus-run-session --dbus-daemon="$W/dbus-daemon" -- bash "$SCRIPT" _session "$@" || status=$?
  STATUS=$status
  exit "$status"
}

start_wordpress() {
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  # Unix socket only: nothing else on the machine sees this database.
  printf '[mysqld]\nskip-networking\n' > /etc/mysql/mariadb.conf.d/99-quire.cnf
  service mariadb start 9>&- >"$W/mariadb-start.log" 2>&1 || die "mariadb did not start"
  wait_for 15 mariadb "" mysqladmin ping
  mysql -uroot -e "DROP DATABASE IF EXISTS wp_quire; CREATE DATABASE wp_quire CHARACTER SET utf8mb4;
    CREATE USER IF NOT EXISTS 'wp_quire'@'localhost' IDENTIFIED BY 'wp_quire_pw';
    GRANT ALL ON wp_quire.* TO 'wp_quire'@'localhost';"
  rm -rf /var/lib/wordpress/wp-content/uploads/20*

  # Debian's wp-config.php loads config-<Host header without the port>.php.
  local cfg=/etc/wordpress/config-127.0.0.1.php k
  {
    echo "<?php define('DB_NAME','wp_quire'); define('DB_USER','wp_quire'); define('DB_PASSWORD','wp_quire_pw');"
    echo "define('DB_HOST','localhost'); define('DB_CHARSET','utf8mb4'); define('DB_COLLATE','');"
    for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
      echo "define('$k','$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')');"
    done
    echo "define('WP_ENVIRONMENT_TYPE','local');  // application passwords over plain http"
    echo "define('WP_HOME','http://127.0.0.1:$WP_PORT'); define('WP_SITEURL','http://127.0.0.1:$WP_PORT');"
    echo "define('DISABLE_WP_CRON',true); define('AUTOMATIC_UPDATER_DISABLED',true); define('WP_HTTP_BLOCK_EXTERNAL',true);"
  } > "$cfg"
  chgrp www-data "$cfg" && chmod 640 "$cfg"

  echo "Listen 127.0.0.1:$WP_PORT" > /etc/apache2/ports.conf     # drops the default *:80 and *:443
  a2dissite -q 000-default >/dev/null 2>&1 || true
  a2enmod -q rewrite >/dev/null
  cat > /etc/apache2/sites-available/wordpress.conf <<EOF
ServerName 127.0.0.1
<VirtualHost 127.0.0.1:$WP_PORT>
  DocumentRoot /usr/share/wordpress
  Alias /wp-content /var/lib/wordpress/wp-content
  ErrorLog /var/log/apache2/quire-wp-error.log
  php_admin_value upload_max_filesize 64M
  php_admin_value post_max_size 64M
  <Directory /usr/share/wordpress>
    RewriteEngine On
    RewriteCond %{REQUEST_FILENAME} !-f
    RewriteCond %{REQUEST_FILENAME} !-d
    RewriteRule . /index.php [L]
  </Directory>
  <Directory /var/lib/wordpress/wp-content>
    Require all granted
  </Directory>
</VirtualHost>
EOF
  a2ensite -q wordpress >/dev/null
  : > /var/log/apache2/quire-wp-error.log
  apachectl start 9>&- || die "apache did not start"

  cat > "$W/wp-install.php" <<'EOF'
<?php
$_SERVER['HTTP_HOST'] = '127.0.0.1'; $_SERVER['REQUEST_URI'] = '/';   // picks config-127.0.0.1.php
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
function wp_new_blog_notification() {}      // pluggable; the default one calls the missing sendmail
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
if (!is_blog_installed()) wp_install('Quire Test', 'admin', 'admin@example.com', false, '', 'admin-pw-123');
update_option('permalink_structure', '/%postname%/');   // makes /wp-json/ work (with the RewriteRule)
$u = get_user_by('login', 'admin');
WP_Application_Passwords::delete_all_application_passwords($u->ID);   // names must be unique
$r = WP_Application_Passwords::create_new_application_password($u->ID, ['name' => 'quire-tests']);
if (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message() . "\n"); exit(1); }
echo $r[0], "\n";
EOF
  # As www-data, so that the uploads it creates stay writable for Apache; on stdin, as $W is private.
  local pw
  pw=$(cd / && runuser -u www-data -- php < "$W/wp-install.php" 2>"$W/wp-install.log" | tail -1) ||
    die "wp_install failed: $(tail -5 "$W/wp-install.log")"
  [[ -n $pw ]] || die "wp_install printed no application password"
  wait_for 10 WordPress "" curl -sf -o /dev/null "http://127.0.0.1:$WP_PORT/wp-json/"
  export QUIRE_TEST_WP_URL=http://127.0.0.1:$WP_PORT QUIRE_TEST_WP_USER=admin QUIRE_TEST_WP_PASSWORD=$pw
}

start_micropub() {
  local mp=$W/micropub
  mkdir -p "$mp/site/quiremp" "$mp/data"
  printf '%s\n' 'import os,sys' 'os.environ.setdefault("DJANGO_SETTINGS_MODULE","quiremp.settings")' \
    'from django.core.management import execute_from_command_line; execute_from_command_line(sys.argv)' > "$mp/site/manage.py"
  touch "$mp/site/quiremp/__init__.py"
  cat > "$mp/site/quiremp/settings.py" <<'EOF'
import os
DATA = os.environ["MP_DATA"]
SECRET_KEY, DEBUG, ALLOWED_HOSTS, USE_TZ = "test-only-" + "x" * 50, True, ["127.0.0.1", "localhost"], True
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sites",
                  "django.contrib.sessions", "django.contrib.staticfiles", "indieweb"]
SITE_ID = 1                          # indieweb imports contrib.sites -> that app is required
ROOT_URLCONF = "quiremp.urls"
# The IndieAuth sign-in (a login page, then the consent page) as a browser goes through it.
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth"]}}]
STATIC_URL, LOGIN_URL = "/static/", "/accounts/login/"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": f"{DATA}/db.sqlite3"}}
MEDIA_ROOT, MEDIA_URL = f"{DATA}/media", "/media/"        # the media endpoint stores files here
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INDIEWEB_MICROPUB_HANDLER = "quiremp.handler.SharedMemoryHandler"
EOF
  cat > "$mp/site/quiremp/handler.py" <<'EOF'
# The bundled InMemoryMicropubHandler, but with process-wide state (the library builds a NEW
# handler per request, so the default forgets each post at once) and absolute entry URLs.
import os
from urllib.parse import urljoin
from indieweb.handlers import InMemoryMicropubHandler, MicropubEntry
BASE = os.environ["MP_ME"]
ENTRIES, DELETED, COUNT = {}, {}, [0]
class SharedMemoryHandler(InMemoryMicropubHandler):
    def __init__(self):
        self.entries, self.deleted_entries = ENTRIES, DELETED
    def create_entry(self, properties, user):
        COUNT[0] += 1
        e = MicropubEntry(url=f"{BASE}entries/{COUNT[0]}/",
                          properties={k: v if isinstance(v, list) else [v] for k, v in properties.items()})
        ENTRIES[e.url] = e
        return e
    def update_entry(self, url, updates, user): return super().update_entry(urljoin(BASE, url), updates, user)
    def delete_entry(self, url, user): return super().delete_entry(urljoin(BASE, url), user)
    def undelete_entry(self, url, user): return super().undelete_entry(urljoin(BASE, url), user)
    def get_entry(self, url, user): return super().get_entry(urljoin(BASE, url), user)
EOF
  cat > "$mp/site/quiremp/urls.py" <<'EOF'
from django.conf import settings; from django.conf.urls.static import static
from django.http import HttpResponse; from django.urls import include, path
def home(request):          # the "me" page a client discovers the endpoints from
    links = {k: request.build_absolute_uri(f"/indieweb/{v}/") for k, v in
             {"micropub": "micropub", "authorization_endpoint": "auth", "token_endpoint": "token"}.items()}
    r = HttpResponse("<!doctype html><html><head>" + "".join(f'<link rel="{k}" href="{v}">' for k, v in links.items())
                     + '</head><body class="h-card"><a class="u-url" href="/">me</a></body></html>')
    r["Link"] = ", ".join(f'<{v}>; rel="{k}"' for k, v in links.items())
    return r
urlpatterns = [path("", home), path("indieweb/", include("indieweb.urls")),
               path("accounts/", include("django.contrib.auth.urls"))] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
EOF
  mkdir -p "$mp/site/quiremp/templates/registration"
  cat > "$mp/site/quiremp/templates/registration/login.html" <<'EOF'
<!doctype html><title>Sign in</title>
<form method="post">{% csrf_token %}{{ form.as_p }}<input type="hidden" name="next" value="{{ next }}"><button>Sign in</button></form>
EOF
  local py=$MP_VENV/bin/python token
  export MP_DATA=$mp/data MP_ME=http://127.0.0.1:$MP_PORT/ MP_PASSWORD=quire-test-$RANDOM$RANDOM
  (cd "$mp/site" && "$py" manage.py migrate -v0) > "$W/micropub.log" 2>&1 || die "micropub: migrate failed"
  # Tokens are stored HMAC'd: the raw key can only be read right after it is created.
  token=$(cd "$mp/site" && "$py" manage.py shell -v0 -c 'import os
from django.contrib.auth.models import User; from indieweb.models import Token
u, _ = User.objects.get_or_create(username="quire")
u.set_password(os.environ["MP_PASSWORD"]); u.save()     # for the IndieAuth sign-in
print(Token.objects.create(owner=u, me=os.environ["MP_ME"], client_id="https://quire.invalid/",
      scope="create update delete undelete media").key)' 2>>"$W/micropub.log") || die "micropub: token failed"
  # --noreload: one process, so its pid is the server's.
  (cd "$mp/site" && exec "$py" manage.py runserver "127.0.0.1:$MP_PORT" --noreload) 9>&- >> "$W/micropub.log" 2>&1 &
  MP_PID=$!
  wait_for 15 Micropub "$MP_PID" curl -sf -o /dev/null "http://127.0.0.1:$MP_PORT/"
  remember_pid "$MP_PID"
  export QUIRE_TEST_MP_URL=http://127.0.0.1:$MP_PORT/ QUIRE_TEST_MP_TOKEN=$token \
    QUIRE_TEST_MP_USER=quire QUIRE_TEST_MP_PASSWORD=$MP_PASSWORD
  unset MP_DATA MP_ME MP_PASSWORD
}

GHOST_URL=http://127.0.0.1:$GHOST_PORT
start_ghost() {
  local content=$W/ghost/content
  mkdir -p "$content"
  cp -r "$GHOST_APP/content/." "$content/"
  mkdir -p "$content"/{data,images,logs,settings}
  # `exec` in the subshell so that $! is node itself.
  (cd "$GHOST_APP" && exec env NODE_ENV=development NODE_NO_WARNINGS=1 BLUEBIRD_WARNINGS=0 url="$GHOST_URL" server__host=127.0.0.1 server__port=$GHOST_PORT \
    database__client=sqlite3 database__connection__filename="$content/data/ghost.db" paths__contentPath="$content" \
    security__staffDeviceVerification=false mail__transport=stub privacy__useTinfoil=true \
    logging__transports='["stdout"]' logging__level=warn node index.js) 9>&- > "$W/ghost.log" 2>&1 &
  GHOST_PID=$!
}

finish_ghost() {
  wait_for 60 Ghost "$GHOST_PID" curl -sf -o /dev/null "$GHOST_URL/ghost/api/admin/site/"
  remember_pid "$GHOST_PID"
  local email=owner@example.com pw='Quire-test-pw-123!' c=$W/ghost/cookies.txt key
  local j='Content-Type: application/json' o="Origin: $GHOST_URL"    # session calls need Origin
  curl -sf -H "$j" -H "$o" "$GHOST_URL/ghost/api/admin/authentication/setup/" \
    -d "{\"setup\":[{\"name\":\"Quire\",\"email\":\"$email\",\"password\":\"$pw\",\"blogTitle\":\"Quire Test\"}]}" \
    >/dev/null || die "ghost: owner setup failed"
  curl -sf -c "$c" -H "$j" -H "$o" "$GHOST_URL/ghost/api/admin/session/" \
    -d "{\"username\":\"$email\",\"password\":\"$pw\"}" >/dev/null || die "ghost: sign-in failed"
  # The admin API returns the whole key, "id:hexsecret", in .secret.
  key=$(curl -sf -b "$c" -H "$j" -H "$o" "$GHOST_URL/ghost/api/admin/integrations/?include=api_keys" \
    -d '{"integrations":[{"name":"Quire tests"}]}' | jq -er '.integrations[0].api_keys[]|select(.type=="admin").secret') ||
    die "ghost: no Admin API key"
  export QUIRE_TEST_GHOST_URL=$GHOST_URL QUIRE_TEST_GHOST_KEY=$key
}

start_git() {
  local repos=$W/git
  mkdir -p "$repos" && git init -q --bare -b main "$repos/site.git"
  # Not --detach: that logs to syslog and hides the pid. git-daemon itself rather than `git daemon`,
  # which forks it as a child that can outlive the pid we would kill.
  "$(git --exec-path)/git-daemon" --reuseaddr --listen=127.0.0.1 --port=$GIT_PORT --base-path="$repos" --export-all \
    --enable=receive-pack --informative-errors --verbose "$repos" 9>&- > "$W/git-daemon.log" 2>&1 &
  GIT_PID=$!
  wait_for 10 "git daemon" "$GIT_PID" git ls-remote "git://127.0.0.1:$GIT_PORT/site.git"
  remember_pid "$GIT_PID"
  export QUIRE_TEST_GIT_URL=git://127.0.0.1:$GIT_PORT/site.git
}

# Inside dbus-run-session: start an unlocked keyring, check it, run CMD. Only the daemon gets the
# throwaway HOME (a keyring made with another password stays locked); CMD keeps the caller's.
session() {
  local kr=$QUIRE_TEST_SERVERS_DIR/keyring
  mkdir -p "$kr/home" "$kr/run" && chmod 700 "$kr/run"
  # --foreground in the background rather than --daemonize, to know its pid.
  printf %s test-keyring-pw | HOME=$kr/home XDG_RUNTIME_DIR=$kr/run DISPLAY= \
    gnome-keyring-daemon --foreground --components=secrets --unlock 9>&- > "$QUIRE_TEST_SERVERS_DIR/keyring.log" 2>&1 &
  echo $! > "$QUIRE_TEST_SERVERS_DIR/keyring.pid"
  # Until the name is owned a client would D-Bus-activate a second daemon.
  wait_for 10 "the Secret Service" "$(cat "$QUIRE_TEST_SERVERS_DIR/keyring.pid")" has_secrets_owner
  printf %s ok | secret-tool store --label="Quire servers check" service quire-servers-check account check ||
    die "secret-tool store failed in the keyring session"
  [[ $(secret-tool lookup service quire-servers-check account check) == ok ]] || die "secret-tool lookup failed"
  secret-tool clear service quire-servers-check account check
  exec 9>&-
  exec "$@"
}

has_secrets_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets | grep -q "boolean true"
}

# Both install system packages and (re)configure machine services (Apache, MariaDB).
[[ $(id -u) -eq 0 ]] || die "needs root: it installs packages and starts Apache and MariaDB"
case "${1:-}" in
  install) install ;;
  run) shift; run "$@" ;;
  _session) shift; session "$@" ;;
  *) die "usage: servers.sh install | servers.sh run CMD [ARGS...]" ;;
esac
