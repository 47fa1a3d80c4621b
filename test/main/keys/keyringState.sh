#!/usr/bin/env bash
# Runs a command against a keychain in a broken state, on a private D-Bus session with its own
# throw-away gnome-keyring (never the user's):
#   keyringState.sh locked     <command...>  login keyring made with one password, then locked
#   keyringState.sh stopped    <command...>  the keyring daemon owns the bus name but is frozen (SIGSTOP)
#   keyringState.sh no-service <command...>  a session bus on which nothing provides org.freedesktop.secrets
#   keyringState.sh no-bus     <command...>  no D-Bus session at all (DBUS_SESSION_BUS_ADDRESS unset)
set -euo pipefail

state=$1
shift

if [ "$state" = no-bus ]; then
  exec env -u DBUS_SESSION_BUS_ADDRESS "$@"
fi

if [ -z "${SWITCHYARD_KEYRING_STATE_INNER:-}" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/data" "$scratch/runtime" "$scratch/home"
  chmod 700 "$scratch/runtime"
  config=()
  if [ "$state" = no-service ]; then
    # A bus without service directories: nothing can be activated on it, so no keyring appears.
    cat >"$scratch/bus.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
    config=(--config-file="$scratch/bus.conf")
  fi
  set +e
  HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" \
    SWITCHYARD_KEYRING_STATE_INNER=1 dbus-run-session "${config[@]}" -- bash "$0" "$state" "$@" \
    2> >(grep -v 'Failed to set fd limit' >&2)
  status=$?
  set -e
  exit $status
fi

if [ "$state" = no-service ]; then
  exec "$@"
fi

# shellcheck source=../../privateKeyring.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../privateKeyring.sh"
start_private_keyring first-password keyringState

# An item that exists, so reads of it must be refused rather than answered "not found".
printf 'stored-before-lock' | secret-tool store --label="switchyard test" service switchyard-state username stored

case "$state" in
  locked)
    gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
      --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
    ;;
  stopped)
    kill -STOP "$daemon_pid"
    ;;
  *)
    echo "keyringState: unknown state '$state'" >&2
    exit 2
    ;;
esac

set +e
"$@"
status=$?
set -e
kill -CONT "$daemon_pid" 2>/dev/null || true
kill "$daemon_pid" 2>/dev/null || true
exit $status
