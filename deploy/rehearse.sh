#!/usr/bin/env bash
# A rehearsal of "Going live" (docs/running.md) on a development machine, from a fresh clone of this
# repository: /opt, /etc and /var live under $G, the service user is the current user, the
# fake LINE and Telegram servers (tests/fake_platforms.py) stand in for the platforms, and
# background processes stand in for systemctl. Needs a PostgreSQL server where `postgres`
# may create databases ($PGHOST, default 127.0.0.1). docs/running.md shows its output.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
G=${G:-/tmp/golive/root}
PGHOST=${PGHOST:-127.0.0.1}
rm -rf "$G"; mkdir -p "$G"
APP=$G/opt/complaintbot ETC=$G/etc/complaintbot DATA=$G/var/lib/complaintbot BK=$G/var/backups/complaintbot
export COMPLAINTBOT_ENV_FILE=$ETC/complaintbot.env COMPLAINTBOT_APP=$APP COMPLAINTBOT_DATA_DIR=$DATA COMPLAINTBOT_USER=$(id -un)
step() { printf '\n$ %s\n' "$*"; }
run() { step "$*"; eval "$@"; }

run "git clone --quiet $SRC $APP"
run "cd $APP && python3 -m venv .venv && .venv/bin/pip install --quiet . 2>&1 | grep -v '^WARNING: Location' || true"
run "install -d -m 750 $ETC && install -d -m 700 $DATA $BK"
run "(umask 077; openssl rand -base64 32 > $ETC/secret.key) && ls -l $ETC/secret.key | cut -d' ' -f1"
run "psql -q -h $PGHOST -U postgres -c 'create database golive'"
run "install -m 640 deploy/complaintbot.env.example $ETC/complaintbot.env"
# step 6 edits: the database, the key path, and the platforms' tokens (here: the fakes')
sed -i "s|^COMPLAINTBOT_DATABASE_URL=.*|COMPLAINTBOT_DATABASE_URL=\"postgresql+psycopg://postgres@$PGHOST:5432/golive\"|; s|^COMPLAINTBOT_SECRET_KEY_FILE=.*|COMPLAINTBOT_SECRET_KEY_FILE=\"$ETC/secret.key\"|; s|^COMPLAINTBOT_PORT=.*|COMPLAINTBOT_PORT=\"18080\"|; s|^TELEGRAM_WEBHOOK_SECRET=.*|TELEGRAM_WEBHOOK_SECRET=\"$(openssl rand -hex 24)\"|; /^LINE_CHANNEL_SECRET=/d; /^LINE_CHANNEL_ACCESS_TOKEN=/d; /^TELEGRAM_BOT_TOKEN=/d" $ETC/complaintbot.env
run ".venv/bin/pip install --quiet python-multipart 2>&1 | grep -v '^WARNING: Location' || true   # only for the fake servers"
step ".venv/bin/python -m tests.fake_platforms --env-file $G/fake.env &   # stands in for LINE and Telegram"
.venv/bin/python -m tests.fake_platforms --env-file $G/fake.env > $G/fake.log 2>&1 &
FAKE=$!
for _ in $(seq 50); do [ -s $G/fake.env ] && break; sleep 0.2; done
cat $G/fake.env >> $ETC/complaintbot.env
run "grep -v -e TOKEN -e SECRET $ETC/complaintbot.env | grep -v '^#' | grep -v '^$'"
run "deploy/complaintbot-admin db upgrade 2>&1 | tail -1"
step "deploy/complaintbot-admin serve &   # stands in for: systemctl enable --now complaintbot"
deploy/complaintbot-admin serve > $G/serve.log 2>&1 &
SERVE=$!
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18080/healthz && break; sleep 0.2; done
run "curl -s http://127.0.0.1:18080/readyz; echo"
run "deploy/complaintbot-admin doctor || echo \"exit status \$?\""
. $G/fake.env
step "# step 9: LINE Developers Console → Webhook URL → Verify → Use webhook (here: the same through the Messaging API)"
run "curl -s -X PUT \"\$LINE_API_HOST/v2/bot/channel/webhook/endpoint\" -H \"Authorization: Bearer \$LINE_CHANNEL_ACCESS_TOKEN\" -H 'Content-Type: application/json' -d '{\"endpoint\": \"https://bot.khaothong.go.th/line/webhook\"}'; echo"
step "printf '1\\n1\\nถนนหน้าวัดเขาทองเป็นหลุมลึก รถล้มบ่อย\\nข้าม\\n2\\n1\\n' | deploy/complaintbot-admin chat --chat first-citizen | grep -A1 'เรียบร้อยแล้ว'   # a first complaint"
printf '1\n1\nถนนหน้าวัดเขาทองเป็นหลุมลึก รถล้มบ่อย\nข้าม\n2\n1\n' | deploy/complaintbot-admin chat --chat first-citizen > $G/chat.txt
grep -A1 'เรียบร้อยแล้ว' $G/chat.txt
CODE=$(grep -o '[0-9]\{4\}-[0-9]\{4\}-[0-9]\{4\}-[0-9]\{4\}' $G/chat.txt | head -1)
run "deploy/complaintbot-admin backup --out $BK/complaintbot-\$(date -u +%Y%m%dT%H%M%SZ).tar"
run "psql -q -h $PGHOST -U postgres -c 'create database golive_drill'"
run "mkdir -p $G/drill && COMPLAINTBOT_DATABASE_URL=postgresql+psycopg://postgres@$PGHOST:5432/golive_drill COMPLAINTBOT_FILES_DIR=$G/drill/files $APP/.venv/bin/complaintbot restore $BK/complaintbot-*.tar"
step "# the drill: the restored copy answers the citizen's code"
run "echo \$CODE | COMPLAINTBOT_DATABASE_URL=postgresql+psycopg://postgres@$PGHOST:5432/golive_drill COMPLAINTBOT_FILES_DIR=$G/drill/files COMPLAINTBOT_SECRET_KEY_FILE=$ETC/secret.key $APP/.venv/bin/complaintbot chat --chat drill | sed -n '/^คุณ>/,\$p' | head -9"
run "stat -c '%A %n' $G/var/lib/complaintbot/files $BK/*.tar"
run "deploy/complaintbot-admin doctor; echo \"exit status \$?\""
kill -INT $SERVE; wait $SERVE || true
kill $FAKE; wait $FAKE || true
psql -q -h $PGHOST -U postgres -c 'drop database golive with (force)' -c 'drop database golive_drill with (force)'
