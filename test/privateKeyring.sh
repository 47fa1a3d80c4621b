# Sourced by withSecretService.sh and main/keys/keyringState.sh, inside their private D-Bus
# session: starts that session's own gnome-keyring, unlocked with the given password, waits for it
# to own org.freedesktop.secrets, and sets daemon_pid to the PID that owns the name, so the
# caller stops that process and no other.
#   start_private_keyring <password> <who, for the error message>
start_private_keyring() {
  local password=$1 who=$2 owner=false
  printf '%s' "$password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
      owner=true
      break
    fi
    sleep 0.05
  done
  if [ "$owner" != true ]; then
    echo "$who: org.freedesktop.secrets never appeared on the private bus" >&2
    exit 1
  fi
  daemon_pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
    awk '/uint32/ {print $2}')
}
