# navsync's English messages. Ids are shared with locales/es/navsync.ftl;
# a test keeps the two catalogs' ids the same.

## Keys: what each key does, for the footer (the word before ':') and the help

# Key names on screen (`[keys]` in config.toml always takes these English ones)
keycap-enter = Enter
keycap-space = Space
keycap-home = Home
keycap-end = End
keycap-pgup = PgUp
keycap-pgdn = PgDn
keycap-shift-tab = Shift-Tab
keycap-backspace = Backspace
keycap-del = Del

key-help-every-key-view = help: every key of this view
key-command-sync-seats-queue = command: :sync :seats :queue :help :q … (Tab completes)
key-quit = quit
key-undo-last-skip-seat = undo: the last skip or seat switch, until the next sync
key-next-tab = next tab
key-previous-tab = previous tab
key-connection-tab = Connection tab
key-sync-tab = Sync tab
key-seats-tab = Seats tab
key-unresolved-tab = Unresolved tab
key-settings-tab = Settings tab
key-log-tab = Log tab
key-saved-tab = Saved tab
key-move-up = move up
key-move-down = move down
key-page-up = page up
key-page-down = page down
key-first-row = first row
key-last-row = last row
key-connect-device-code-client = connect: device code or client secret
key-re-check-run-prerequisite = re-check: run the prerequisite checks again
key-disconnect = disconnect
key-purge-disconnect-clean-up = purge: disconnect and clean up all imported CRM data
key-details-whole-text-y = details: the whole text, y copies it
key-copy-osc-52-works = copy (OSC 52, works over SSH)
key-scroll = scroll
key-close = close
key-sync-now = sync now
key-cancel-stop-running-sync = cancel: stop the running sync
key-dry-run-show-what = dry run: show what a sync would change
key-mark-toggle-row = mark: toggle the row
key-mark-all-every-row = mark all: every row the filter shows
key-clear-marks = clear marks
key-enable-crm-sync-marked = enable: CRM sync on for the marked rows or this one
key-disable-crm-sync-off = disable: CRM sync off for the marked rows or this one
key-assign-seats-from-crm = assign: seats from CRM users
key-filter = filter
key-order-sort-by-next = order: sort by the next column
key-reverse-sort-order = reverse: the sort order
key-link-chosen-candidate = link: to the chosen candidate
key-pick-another-candidate = pick: another candidate
key-search-crm-contact = search: the CRM for a contact
key-create-contact-in-crm = create: the contact in the CRM
key-skip-bring-back = skip: or bring back
key-filter-queue = filter: the queue
key-view-all-open-only = view: all, open only, skipped only, resolved
key-choose-another-value = choose: another value
key-apply-change = apply: the change
key-discard-change-not-applied = discard: the change not applied
key-level-cycle-level-filter = level: cycle the level filter
key-clear-filter = clear: the filter
key-yes-do = yes, do it
key-no-go-back = no, go back
key-yes-once-word-is = yes, once the word is typed
key-next-field = next field
key-previous-field = previous field
key-create-contact-link = create the contact and link
key-cancel = cancel
key-search-link-chosen-contact = search / link the chosen contact
key-previous-result = previous result
key-next-result = next result
key-close-help = close help
key-run-command = run the command
key-complete-again-next-match = complete: again for the next match
key-keep-filter = keep the filter
key-cancel-put-old-filter = cancel: put the old filter back
key-copy-code-osc-52 = copy the code (OSC 52, works over SSH)
key-hide-sign-in-keeps = hide (sign-in keeps waiting)
key-mark-unmark = mark / unmark
key-mark-all-visible = mark all (visible)
key-licence = licence
key-edition = edition
key-assign-marked-users = assign the marked users

## Tabs

tab-connection = Connection
tab-sync = Sync
tab-seats = Seats
tab-unresolved = Unresolved
tab-settings = Settings
tab-log = Log
tab-saved = Saved
# Shorter names, for the other tabs when the tab bar would not fit.
tab-connection-short = Connection
tab-sync-short = Sync
tab-seats-short = Seats
tab-unresolved-short = Unresolved
tab-settings-short = Settings
tab-log-short = Log
tab-saved-short = Saved

## Numbers and dates ($day is a number, $mm and $dd two digits, $mon the month's short name)

month-abbr = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
date = { $year }-{ $mm }-{ $dd }
date-time = { $date } { $time } UTC
date-time-short = { $mm }-{ $dd } { $time }

## Screen frame: banner, header, message line, footer

demo-banner = DEMO — connected to a local Dynamics 365 emulator
flash-whole = … (whole: { $key } Log, Enter)
too-small = Terminal too small
too-small-size = { $size }, need { $need }
too-small-next = Resize, or q to quit
header-no-crm = no CRM
header-syncing = Syncing
header-syncing-phase = Syncing { $phase }
header-connected = Connected
header-error = Error
header-disconnected = Disconnected
header-not-connected = Not connected
header-last-sync = last sync { $ago } ({ $at })
header-synced = synced { $ago } ({ $at } UTC)
header-never-synced = never synced
footer-more = more

## Sync phases

phase-users = users
phase-opportunities = opportunities
phase-accounts = accounts
phase-contacts = contacts
phase-saved-lists = saved lists
phase-writeback = writeback

## Relative times

time-just-now = just now
time-in-under-a-minute = in <1 min
time-ago = { $span } ago
time-in = in { $span }
span-min = { $n } min
span-h = { $n } h
span-d = { $n } d

## Connection tab

never = never
field-last-sync = Last sync
field-instance = Instance
field-organisation = Organisation
field-org-version = Org version
field-crm-user = CRM user
field-sign-in = Sign-in
conn-connected-to = Connected to Microsoft Dynamics
conn-ok = Successfully connected
conn-ok-syncing = Successfully connected, sync in progress
conn-last-sync-failed = Last sync failed: { $title }
conn-error-not-connected = { $title } — not connected
conn-detail = Detail: { $detail }
conn-next-step = Next step: { $next }
conn-disconnected = Disconnected — press c to connect again
conn-never = Not connected — press c to connect
conn-checks-failed = { $failed } of { $total } checks failed: { $names } (details below)
conn-integration-user = integration user ✔ (recommended)
conn-interactive-user = interactive user ⚠ an integration user is recommended
conn-creator = { $user } appears as creator of activities written back.
conn-checks = Prerequisite checks
conn-checks-none = none run yet (c connects, r re-checks)
check-pass = pass
check-fail = FAIL
check-sign-in = sign in
check-online = online
check-version = version
check-not-sandbox = not sandbox
check-who-am-i = who am i
check-objects-readable = objects readable
check-privileges = privileges
check-writeback = writeback
conn-signing-in = Signing in…
conn-rechecking = Re-running the prerequisite checks…
disconnect-title = Disconnect
disconnect-question = Disconnect from the CRM? Syncing stops.
disconnect-keeps = Imported CRM data stays (use D to clean it up).
purge-title = Disconnect and clean up
purge-yes = Yes, clean up all previously imported CRM data.
purge-copies = Removes the CRM copies: { $tables }.
purge-saved = Removes { $accounts ->
    [one] { $accounts } saved account
   *[other] { $accounts } saved accounts
} and { $leads ->
    [one] { $leads } saved lead
   *[other] { $leads } saved leads
} the sync brought in.
purge-kept = Kept: manual saves, seats and activities.
more-below = more below: j/↓ scrolls, G goes to the end
more-above = more above: k/↑ scrolls, g goes to the top
error-title-connection = Connection error
error-title-crm-api = CRM API error
error-title-insufficient-privileges = Insufficient privileges
error-title-objects-unreadable = Required CRM objects could not be read
error-title-unsupported = This CRM cannot be synced
error-title-other = Could not connect
error-console-next-connection = Check this machine's network and the instance URL, then re-check (r).
error-console-next-crm-api = Check the CRM's uptime (service health in the Microsoft 365 admin center), then re-check (r).
error-console-next-insufficient-privileges = Ask your CRM administrator to grant the privilege named above to the connecting user, then re-check (r).
error-console-next-objects-unreadable = Ask your CRM administrator for read access to the objects named above, then re-check (r).
error-console-next-unsupported = navsync needs Dynamics 365 online, version 8.2 or later, in a production environment: point crm.instance_url at one and connect (c).
error-console-next-other = Fix what the detail names (config, secret, token cache), then connect again (c).

## Sync tab

per-second = { $n }/s
eta = ETA { $left }
count-rows = { $count ->
    [one] { $count } row
   *[other] { $count } rows
}
span-s = { $n } s
span-h-min = { $h } h { $min } min
outcome-running = running
outcome-ok = ok
outcome-error = error
outcome-cancelled = cancelled
mode-full = full
mode-incremental = incremental
mode-dry-run = dry run
run-head = Run { $id }{ $dry ->
    [yes] {" "}(dry run: nothing was changed)
   *[no] {""}
} · { $mode } · { $outcome }
run-started = Started  { $at }
run-finished = Finished { $at }
run-requests = Requests { $requests } · retries { $retries } · 429 waits { $waits }
run-error = Error: { $kind }: { $detail }
run-report = Report:
run-title = Run { $id }
sync-requested = Sync requested
dry-run-requested = Dry run requested: nothing will be changed
sync-cancelling = Cancelling the running sync…
no-run-yet = No run yet
not-scheduled = not scheduled
field-next-run = Next run
field-now = Now
field-waiting = Waiting
sync-running = running ({ $mode }) · { $requests } requests · { $retries } retries · { $throttled } × 429
wait-429 = waiting { $left }: the CRM asked to slow down (429)
wait-retry = retry in { $left }: { $reason }
sync-idle-last = idle — last run { $outcome }: { $summary }
sync-idle = idle: no sync has run since the console started
rows-per-second = rows/s { $n }
col-started = Started
col-mode = Mode
col-outcome = Outcome
col-requests = Req
col-retries = Retry
col-rows = Rows
report-enter = report: Enter

## Seats tab

col-name = Name
col-licence = Licence
col-edition = Edition
col-crm-user = CRM user
col-sync = Sync
col-in-crm = In CRM
licence-admin = admin
licence-member = member
edition-team = team
edition-enterprise = enterprise
switch-on = on
switch-off = off
seats-none-to-change = No seat to change
seats-the-seat-of = the seat of { $name }
seats-marked-hidden = { $count } marked ({ $hidden } hidden by filter)
seats-sync-question = { $on ->
    [on] Enable
   *[off] Disable
} CRM sync for { $what }?
seats-sync-on-effect = Their opportunities' accounts and contacts are imported at the next sync.
seats-sync-off-effect = What the CRM brought into their saved lists is removed at the next sync.
seats-sync-undo = { $on ->
    [on] Enable
   *[off] Disable
} sync for { $what }
seats-sync-title = { $on ->
    [on] Enable
   *[off] Disable
} sync
seats-counts = { $admins ->
    [one] { $admins } admin
   *[other] { $admins } admins
} · { $members ->
    [one] { $members } member
   *[other] { $members } members
} · { $in_crm } in CRM
count-marked = { $count } marked
filter-shown = filter "{ $filter }": { $count } shown
seats-auto-sync-all = auto-sync all
seats-empty = No seats yet. Press n to assign seats from CRM users.
seats-user-not-synced = not synced
seats-user-not-matched = not matched
seats-in-crm = In CRM

## Unresolved tab

pending-link = linking to { $name }…
pending-skip = skipping…
pending-bring-back = bringing back…
col-sent = Sent
col-member = Member
col-company = Company
col-kind = Kind
col-seat-holder = Seat holder
col-state = State
kind-inmail = inmail
kind-message = message
kind-note = note
queue-empty = The queue is empty
no-candidate-to-link = No candidate to link: search the CRM (/) or create the contact (c)
linking = Linking { $member } to { $name }…
undo-skip = { $skip ->
    [yes] skip of
   *[no] bringing back
} { $member }
unresolved-title = { $count } unresolved ({ $skipped } skipped)
view-open-only = open only (v)
view-skipped-only = skipped only (v)
filter-named = filter "{ $filter }"
count-shown = { $count } shown
unresolved-empty = Nothing to resolve: every activity matched a CRM contact.
state-working = working
state-skipped = skipped
activity = Activity
loading = loading…
no-match = No match:
no-candidates = No candidates: / searches the CRM, c creates the contact.
candidates = Candidates (←/→ choose, Enter links)
gone-from-crm-copy = (no longer in the CRM copy)
sent-queued = Sent { $sent } · queued { $queued } ago

## Log tab

level-error = ERROR
level-warn = WARN
level-info = info
level-debug = debug
level-trace = trace
log-all-levels = all levels
log-level-and-worse = { $level } and worse
log-title = Log — { $shown } of { $total } lines, { $level } (l cycles)
col-time = Time
col-level = Level
col-message = Message

## Saved tab

col-item = Item
col-brought-in-by = Brought in by
col-stage = Stage
col-owner = Owner
col-saved = Saved
item-account = account
item-lead = lead
saved-crm-and-hand = CRM+hand
saved-crm = CRM
saved-by-hand = by hand
not-in-crm-copy = (not in the CRM copy)
saved-counts = { $accounts ->
    [one] { $accounts } account
   *[other] { $accounts } accounts
} · { $leads ->
    [one] { $leads } lead
   *[other] { $leads } leads
} · { $manual } saved by hand
saved-empty = Nothing saved yet. The sync saves the accounts and contacts of the open opportunities seat holders own (Seats: sync on).
saved-reading = Reading the saved lists…

## Settings tab

setting-auto-sync = Auto-sync all seat holders
setting-pipeline-stage = Pipeline-entry stage
setting-won-value = Won-value field
setting-writeback = Writeback
setting-sync-back = Sync back
setting-interval = Sync interval
kinds-all = All data items
kinds-inmails = InMails
kinds-messages = messages
kinds-notes = notes
kinds-only = Only { $kinds }
yes = Yes
no = No
on = On
off = Off
not-sure-all-open = Not sure (all open opportunities)
not-sure = Not sure
stage-number = stage { $value }
setting-unchanged = Unchanged
setting-applied = { $question }: { $value } — applies from the next sync
setting-discarded = { $question }: change discarded
settings-heading = Settings (←/→ choose, Enter applies, Esc discards)
source-console = console
unsaved = unsaved
unsaved-now = { $question } (now { $value })
unsaved-list = Unsaved: { $list }. Enter applies, Esc discards.
settings-apply-note = Changes apply from the next sync. console: set here, overrides config.toml.
settings-choices-not-read = CRM stages and money fields are read at the first sync; until then only "Not sure" is offered.
settings-choices-read = CRM choices read { $when }.

## Console-wide messages and the log lines the console writes

quit-unsaved = { $question }: change not applied (Settings: Enter applies, Esc discards); q again quits
filter-cleared = Filter cleared
undoing = Undoing the { $what }
nothing-to-undo = Nothing to undo: the last skip or seat switch can be undone until the next sync starts; links are written to the CRM at once
engine-stopped = The engine has stopped; restart navsync
log-run-finished = sync { $outcome }: { $summary }
log-delta-rejected = change tracking for { $table } expired: reading it in full once
log-retry = retry { $attempt } in { $secs } s: { $reason }
log-throttled = CRM asked to slow down (429): waiting { $secs } s
log-store-read-failed = reading the store: { $error }

## Popups

assign-mark-first = Mark the CRM users to assign (Space)
assign-title = Assign seats from CRM users
col-email = Email
col-seat = Seat
assign-has-seat = has a seat
assign-keys = Space mark · a all · A clear · / filter · Enter assign · Esc close
unknown-command = Unknown command :{ $typed } — try :{ $names }
tab-completes = Tab completes:
no-command-starts-so = no command starts so
filter-prompt = filter:
still-counting = Still counting what this removes; a moment
type-to-confirm = Type { $word } to confirm, or Esc to go back
counting = counting what this removes…
type-word = Type { $word }:
copied = Copied to your clipboard (OSC 52)
code-copied = Code copied to your clipboard (OSC 52)
device-title = Sign in to Microsoft
device-waiting = Waiting for you to sign in — code expires in { $left }
device-expired = The code has expired: press Esc, then c to get a new one.
device-open = On any device, open:
device-enter-code = and enter the code:
device-keys = y copy the code · Esc hide (sign-in keeps waiting)
help-title = Keys (Esc closes, ↑/↓ scroll)
linking-to = Linking to { $name }…
search-type-something = Type a name, email or company
search-title = Search CRM contacts
searching = searching the CRM…
search-none = No contact found. Esc, then c creates one.
search-prompt = Search:
search-how = Enter searches; Enter again links the chosen contact.
search-found = { $count } found — ↑/↓ choose, Enter links
form-first-name = First name
form-last-name = Last name
form-email = Email
form-job-title = Job title
form-company = Company
form-last-name-required = Last name is required by the CRM
form-bad-email = "{ $email }" is not an email address (name@company.com)
form-creating = Creating { $name } in the CRM and linking…
form-title = Create contact in the CRM
form-intro = From the member's profile; edit, then Enter.
form-keys = Tab next field · Enter create and link · Esc cancel

## CRM errors and their next steps (the seed's four errors first)

crm-connection-error = CRM connection error. Try again later.
crm-connection-next = Check this machine's network and the instance URL (crm.instance_url).
crm-api-error = An error occurred with the CRM API. Try again later.
crm-api-next = The CRM API could not be used: check the CRM system's uptime or contact your CRM representative.
crm-privileges-error = Your CRM account doesn't have sufficient access privileges. Contact your CRM administrator.
crm-privileges-next = Contact your internal CRM administrator to get the access privileges you need.
crm-privileges-next-named = Contact your internal CRM administrator to get the missing privilege: { $privilege }.
crm-objects-error = The CRM objects required by your company could not be read.
crm-objects-next = Ask your CRM administrator to give the connecting user read access to: { $objects }.
crm-sign-in-error = Signing in to Microsoft Entra ID failed.
crm-sign-in-next = Check crm.tenant_id, crm.client_id and the client secret in the config, and that the app registration has an application user in this Dynamics environment.
crm-device-code-expired = The sign-in code expired before it was used.
crm-device-code-expired-next = Run `navsync connect` again and enter the new code in the browser before it expires.
crm-device-code-declined = The sign-in was declined in the browser.
crm-not-signed-in = navsync is not signed in to the CRM.
crm-not-signed-in-next = Run `navsync connect` to sign in again.
crm-local-setup-error = navsync's CRM settings or files on this machine are not usable.
crm-insecure-file-next = Only its owner may read it: run `chmod 600 { $path }`.
crm-local-setup-next = Fix the setting or file named in the detail, then try again.
crm-cancelled = Cancelled.
crm-cancelled-next = Nothing to do; start it again when you are ready.
crm-connected = Connected to Microsoft Dynamics — Successfully connected, sync in progress
crm-on-premise = Microsoft Dynamics on-premise is not supported: only Dynamics 365 online, version 8.2 or later.
crm-sandbox = Sandbox environments are not supported at this time.
crm-version-too-old = Dynamics 365 { $version } is not supported: version 8.2 or later is required.
crm-recommend-integration-user = You connected as { $user }, an interactive user: we recommend an integration (application) user or a generic name instead.
crm-creator-and-owner = In the CRM, { $user } will appear as the creator of every activity written back; the seat holder will be its owner.
assign-already-holds = { $name } already holds a seat
assign-status = { $users } users · { $marked } marked · new seats: { $licence } licence (l), { $edition } edition (e)

## What the engine answers and logs (said by the faces, in the reader's language)

engine-sync-already-running = A sync is already running; this request was not started. Wait for it to finish or cancel it.
engine-cancelling-sync = Cancelling the sync; what it finished is kept and the next run resumes.
engine-cancelling-connect = Cancelling the connect; nothing is changed.
engine-no-sync-running = No sync is running.
engine-search-failed = CRM search failed: { $error }
engine-busy-syncing = A sync is running; cancel it or let it finish, then try again.
engine-busy-connecting = A connect is in progress; wait for it or cancel it, then try again.
engine-check-log = [{ $passed ->
    [yes] {" "}ok{" "}
   *[no] FAIL
}] { $check }: { $detail }
engine-unsupported-next = navsync works with Dynamics 365 online (version 8.2 or later, not a sandbox); connect to such an environment.
engine-check-failed = check failed: { $check }
engine-connected-no-sync = Connected to Microsoft Dynamics; the first sync could not start (see the error).
engine-disconnected = Disconnected from Microsoft Dynamics: syncing stopped, sign-in tokens removed.
engine-disconnected-tokens-kept = Disconnected from Microsoft Dynamics: syncing stopped; the sign-in tokens could not be removed: { $error }
engine-purged = Removed imported CRM data: { $users } users, { $accounts } accounts, { $contacts } contacts, { $opportunities } opportunities; { $saved_accounts } saved accounts and { $saved_leads } saved leads brought in by the sync. Seats, activities and your own saves are kept.
engine-cannot-write = This CRM connection cannot write; reconnect with writeback rights.
engine-connect-cancelled = Connect cancelled; the stored connection is unchanged.
engine-checks-passed-again = Every connection check passed again.
engine-set-auto-sync = Auto-sync all seat holders: { $on ->
    [yes] yes
   *[no] no
}
engine-set-stage = Pipeline-entry stage: { $stage }
engine-set-stage-not-sure = Pipeline-entry stage: Not sure (all open opportunities)
engine-set-won-value = Won-value field: { $field }
engine-set-won-value-not-sure = Won-value field: Not sure
engine-set-writeback = Writeback: { $on ->
    [on] on
   *[off] off
}
engine-set-kinds = Write back: { $kinds }
engine-set-interval = Sync every { $interval }
engine-setting-applied = { $what }. Applies from the next sync.
engine-linked = Linked { $member }'s { $kind ->
    [inmail] InMail
    [note] note
   *[message] message
} to { $contact } and closed it in the CRM
engine-the-new-contact = the new contact ({ $id })
engine-skipped = Skipped; it stays open in the CRM and can be brought back
engine-back-in-queue = Back in the queue
engine-assigned = { $created ->
    [one] { $created } seat created
   *[other] { $created } seats created
}, { $linked ->
    [one] { $linked } existing seat matched
   *[other] { $linked } existing seats matched
}, { $already ->
    [one] { $already } user already held a seat
   *[other] { $already } users already held a seat
}
engine-assign-refused = , { $count } refused
engine-seat-sync = CRM sync { $on ->
    [on] on
   *[off] off
} for { $count ->
    [one] { $count } seat
   *[other] { $count } seats
}; { $changed } changed
run-summary = { $dry ->
    [yes] would import
   *[no] imported
} { $accounts_added ->
    [one] { $accounts_added } account
   *[other] { $accounts_added } accounts
}, { $leads_added ->
    [one] { $leads_added } lead
   *[other] { $leads_added } leads
}; { $dry ->
    [yes] would remove
   *[no] removed
} { $accounts_removed ->
    [one] { $accounts_removed } account
   *[other] { $accounts_removed } accounts
}, { $leads_removed ->
    [one] { $leads_removed } lead
   *[other] { $leads_removed } leads
}; read { $rows ->
    [one] { $rows } CRM row
   *[other] { $rows } CRM rows
} in { $requests ->
    [one] { $requests } request
   *[other] { $requests } requests
}
run-summary-reread = ; full re-read of { $tables } (expired change token)
run-summary-cancelled = {" "}(cancelled; the next run resumes)
run-summary-error = {" "}(ended with an error)
wb-paused = Writeback paused: the activities wait in the outbox
wb-paused-next = They go out with the next sync; if this repeats, check the CRM's status and the detail.
wb-refused = The CRM refused { $count ->
    [one] { $count } activity write
   *[other] { $count } activity writes
}
wb-refused-next = Fix what the CRM names (a privilege, a field value); refused writes are tried again with the next syncs.
wb-off = writeback off
wb-unavailable = writeback not available with this CRM connection
wb-would-write = would write { $count ->
    [one] { $count } activity
   *[other] { $count } activities
} ({ $open } open, unmatched)
wb-wrote = wrote { $count ->
    [one] { $count } activity
   *[other] { $count } activities
} ({ $open } new open, unmatched)
wb-wrote-refused = , { $count } refused by the CRM
wb-wrote-as-integration = , { $count } as the integration user (acting on behalf refused)
wb-wrote-paused = , paused: { $why }
engine-token-renewed = CRM access token renewed ({ $reason })
engine-delta-fallback = { $table }: change tracking unusable ({ $reason }); full read
engine-poll-slowed = sign-in server asked to poll every { $secs } s

## Connection check details (stored with the check, in the language of the connect)

check-signed-in = signed in ({ $method })
check-org-at = { $org } at { $host }
check-no-web-address = no web address
check-org-type = organization type { $kind }
check-application-user = application user
check-interactive-user = interactive user
check-writeback-off = writeback is off
check-solution-installed = solution { $name } { $version } installed
check-solution-missing = the solution { $name } (writeback.required_solution) is not installed in this environment; ask a Dynamics admin to install it
check-tasks-creatable = tasks can be created
check-read-privileges = read privileges present
check-privileges-present = { $names } present
check-user-lacks = the connecting user lacks { $names }
check-tasks-probed = tasks can be created (checked with a rolled-back change set)
import-summary = imported { $imported }, skipped { $known } already known, { $bad } bad lines
inbox-not-imported = not imported: { $error }
inbox-line = activity inbox: { $file } -> { $what }
seat-created = created seat { $id } for { $name }
seat-matched = matched existing seat { $id } ({ $name }) to the CRM user
seat-already = { $name } already holds seat { $id }; not duplicated

## Connection checks as the commands and the log name them

check-label-sign-in = sign-in
check-label-online = Dynamics 365 online
check-label-version = version 8.2 or later
check-label-not-sandbox = not a sandbox
check-label-who-am-i = WhoAmI
check-label-objects-readable = required objects readable
check-label-privileges = privileges
check-label-writeback = writeback prerequisites

## Headless commands

cli-status-no-config = no config file (looked at --config, $NAVSYNC_CONFIG, ~/.config/navsync/config.toml); see config.example.toml
cli-engine-not-running = not running (commands start one for their own time)
cli-engine-running-sync = running; sync { $run } in progress: { $phase } ({ $rows } rows)
cli-engine-running-next = running; next sync { $next }
cli-state-disconnected = Disconnected (not syncing)
cli-state-error = Connection failed
cli-state-unconfigured = Not configured (no config file; see config.example.toml)
cli-state-never = Not connected (run `navsync connect`)
cli-integration-user = integration user
cli-no-error = none
cli-field-engine = engine
cli-field-state = state
cli-field-instance = instance
cli-field-crm-user = CRM user
cli-field-org-version = org version
cli-field-last-sync = last sync
cli-field-last-error = last error
cli-nothing-to-disconnect = Not connected to Microsoft Dynamics; nothing to disconnect.
cli-nothing-imported = nothing imported; the format is in the README, "Activity files"
cli-the-crm = the CRM
cli-connecting = Connecting to { $instance } …
cli-crm-asked-wait = the CRM asked to wait { $secs } s
cli-trying-again = { $reason }; trying again in { $ms } ms
cli-detail = detail: { $detail }
cli-next-step = next step: { $next }
cli-dry-run-copy-failed = cannot copy the store for a dry run: { $error }
cli-not-connected = not connected to Microsoft Dynamics. Run `navsync connect` first.
cli-following-run = a sync is already running (run { $run }); following it
cli-dry-run-wait = a sync is running (run { $run }); start the dry run when it has finished
cli-stopped-following = stopped following; the run goes on in the service
cli-progress = { $rows } rows ({ $rate }/s)
cli-retry = retry { $attempt } in { $wait }: { $reason }
cli-throttled = waiting { $wait }: the CRM asked to slow down (429)
cli-service-stopped = the navsync service stopped before the run finished; it resumes when the service starts again
cli-no-seats = no seats yet (no store at { $store })
cli-name-a-seat = name at least one seat (id, member id or e-mail); see `navsync seats list`
cli-name-a-user = name at least one CRM user (system user id or e-mail)
demo-generating = generating a { $scale } tenant (seed { $seed })...
demo-serving = emulator serving { $url }
demo-sync-done = demo sync { $outcome }: { $summary }
demo-no-terminal = stdout is not a terminal, so the console was not opened; run `navsync demo` in a terminal to use it.
demo-too-slow = the first sync did not finish within { $secs }s
console-not-a-tty = the console needs a terminal (stdout is not a TTY).
    For scripts, cron and systemd use the headless commands:
      navsync status [--json]      connection, last sync, last error
      navsync sync --once          one sync cycle (add --dry-run to change nothing)
      navsync seats list|enable|disable|assign
      navsync activities import FILE
      navsync connect | disconnect [--purge]
      navsync serve                the engine as a service (systemd); all of the above attach to it
    See navsync --help.
console-no-terminal = cannot open the terminal: { $error }
console-signal = stopped by a signal; the engine finishes what is in flight
console-engine-gone = the engine stopped; see the log in the data dir
console-terminal-error = terminal error: { $error }
key-force-quit = quit at once, from anywhere

## Why the engine refused something

err-unknown-seat = no seat { $seat }; name a seat by the id, member id or e-mail `navsync seats list` prints
err-unknown-user = no CRM user { $user } among the synced CRM users; use a system user id or e-mail, and run a sync first if the user is new
err-not-assignable = CRM user { $name } cannot hold a seat: { $why }; pick an active, interactive CRM user
err-not-in-queue = activity { $id } is not in the unresolved queue; reload the queue
err-not-written-yet = the activity for { $member } ("{ $subject }") is still queued for the CRM: it can be resolved once the CRM has it, after the next sync
err-not-done = the CRM did not take the change: { $why }; it stays queued and is retried with the next sync
err-not-connected = not connected to Microsoft Dynamics; run `navsync connect` first
err-interval-too-short = the sync interval must be at least 5 minutes (as in config.toml)
err-no-kinds = choose at least one kind of activity to write back, or switch writeback off
err-import-read = cannot read activity file { $path }: { $error }; check the path, its permissions and that it is UTF-8 text
err-import-header = { $path }: { $message }; the first line must name the columns (see README, "Activity files")
err-import-store = { $error }; nothing was imported, try again once the store is writable

## navsync init

init-exists = { $path } already exists; edit it, or remove it first to start over (navsync init never overwrites a config)
init-no-answer = no answer to { $question } (input ended)
init-cannot-write = cannot write { $path }: { $error }
init-cannot-read = cannot read the answers: { $error }
init-required = { $what } is required
init-intro = a config for Microsoft Dynamics 365 online. Each answer is checked as you go.
init-q-instance = Instance URL (https://ORG.crm.dynamics.com)
init-q-tenant = Microsoft Entra tenant id (GUID or domain)
init-the-tenant-id = the tenant id
init-q-client = Application (client) id
init-the-client-id = the client id
init-q-auth = Sign-in: client_secret (integration user, recommended) or device_code
init-bad-auth = { $answer }: answer client_secret or device_code
init-q-secret-env = Environment variable that will hold the client secret
init-bad-env = letters, digits and _ only, e.g. NAVSYNC_CLIENT_SECRET
init-wrote = wrote { $path } (mode 0600)
init-next-secret = Next: export { $env }=<the client secret>, then run `navsync connect` (or `navsync` for the console).
init-next-device = Next: run `navsync connect` (or `navsync` for the console) and sign in from any browser.
init-no-config-dir = no config directory on this system; pass --config PATH
init-no-config = no config file at { $path }.
init-offer = Create one now (navsync init)? [Y/n]

## What is wrong with a config file

cfg-allowed-log-level = allowed: error, warn, info, debug, trace
cfg-allowed-keys = allowed: a key ("x", "ctrl-r", "f5") or a list of keys (["s", "f5"])
cfg-empty-tenant = must not be empty: give the Microsoft Entra tenant id (a GUID) or domain
cfg-empty-client = must not be empty: give the application (client) id
cfg-one-secret = give only one of client_secret_env, client_secret_file, client_secret
cfg-secret-env-empty = must name an environment variable
cfg-allowed-concurrency = allowed: 1 to 50 (Dataverse allows 52 concurrent requests per user)
cfg-allowed-page-size = allowed: 1 to 5000 (Dataverse's maximum page size)
cfg-allowed-split-rows = allowed: 0 (never split) or a number of rows
cfg-allowed-stage = allowed: "not_sure" or the option value of a sales stage (a number)
cfg-allowed-won-value = allowed: "not_sure" or the logical name of a money column (letters, digits, _)
cfg-allowed-kinds = allowed: "inmail", "message", "note", "tag"
cfg-no-kinds = must name at least one kind; to write nothing back set enabled = false
cfg-allowed-unit = allowed: a number from 0.0 to 1.0
cfg-authority-https = must be https (http only for 127.0.0.1, the emulator)
cfg-inline-secret = a secret may be written inline only when the config file is mode 0600 (run: chmod 600 { $path }), or use client_secret_env / client_secret_file
cfg-not-a-url-instance = not a URL ({ $error }); expected https://ORG.crm.dynamics.com (or a regional crmN host)
cfg-not-https = { $scheme }:// is not allowed for { $host }: Dynamics 365 online is only reachable over https (http is accepted only for 127.0.0.1, the emulator)
cfg-not-instance-host = { $host } is not a Dynamics 365 online instance host; expected ORG.crm.dynamics.com or a regional ORG.crmN.dynamics.com
cfg-on-premise = { $host } looks like an on-premise server: Microsoft Dynamics on-premise is not supported, only Dynamics 365 online (https://ORG.crm.dynamics.com, version 8.2 or later)
cfg-not-a-url = not a URL ({ $error })
cfg-allowed-interval = allowed: a number followed by m, h or d, e.g. "30m", "24h" (minimum 5m, maximum 365d)
cfg-cannot-read = cannot read config file { $path }: { $error }
cfg-invalid = key `{ $key }`: { $message }
cfg-missing = no config file found (looked at { $path }); copy config.example.toml there or pass --config PATH

## [keys] in config.toml

keys-not-a-key = { $spec } is not a key: use one character ("x", "?"), a name (enter, esc, tab, shift-tab, space, up, down, left, right, pgup, pgdn, home, end, backspace, delete, f1..f12), or ctrl-/alt- before one
keys-give-one = give at least one key
keys-needs-modifier = { $action } works in text fields too, so it needs ctrl- or alt-, not { $label }
keys-no-action = no action { $action }; the actions are: { $names }
keys-clash = { $key } is bound to both { $a } and { $b } { $place }
keys-in-tab = in the { $tab } tab
keys-in-popup = { $popup ->
    [confirm] in the yes/no questions
    [confirm-typed] in the question that asks for a typed word
    [detail] in the details window
    [form] in the new-contact form
    [search] in the CRM search
    [help] in the help
    [command-line] at the : prompt
    [filter-line] at the filter prompt
    [find-line] at the find prompt
    [device-code] in the sign-in code window
   *[assign] in the list of users to assign seats to
}

token-reason-first = first of this run
token-reason-expiring = the last one was about to expire
token-reason-rejected = the CRM refused the last one: 401

## Why the matcher linked a member to a contact, or could not
reason-email = e-mail
reason-profile-url = profile URL
reason-same-email = tie: { $count } contacts with the e-mail { $email }
reason-same-profile-url = tie: { $count } contacts with the same profile URL
reason-name-company = name+company { $score }
reason-name-tie = tie: { $count } contacts named like { $name } at { $account }
reason-no-company = no e-mail or profile match and no company given
reason-no-account = no CRM account for { $company }
reason-below-threshold = closest name at { $account } scores { $best }, below the threshold { $threshold }
reason-no-contact-at = no contact at { $account }
reason-name-at = name { $score }, at { $account }
reason-name-no-account = name { $score }, no account
reason-the-company = the company
reason-resolved = resolved by { $how }
resolved-how-candidate = choosing a candidate
resolved-how-search = a CRM search
resolved-how-created = creating the contact

## issue 24
# Written into the CRM (data, in the configured language).
written-conversation-subject = Conversation with { $member }
written-earlier-messages = … { $count ->
    [one] 1 earlier message
   *[other] { $count } earlier messages
}
cfg-allowed-threads = allowed: "conversation", "per_message"
kind-tag = tag
kinds-tags = tags
conversation-messages = { $count ->
    [one] conversation, 1 message
   *[other] conversation, { $count } messages
}
kind-conversation-short = { $count ->
    [one] 1 msg
   *[other] { $count } msgs
}
cli-switch-question = Connected as { $from } ({ $from_method }) since { $since }. Switch the connection to the { $to_method } sign-in of client { $to_client }? Seats, settings, the CRM copy and queued writes are kept; what was written stays as it is.
cli-yes-no = y/N
cli-switch-not-confirmed = the connection was not switched; run `navsync connect --yes` to switch without asking
cli-field-connected-since = Since
conn-sign-in-since = { $method }, since { $since }
switch-title = Switch the connection
switch-question = Connected as { $from } ({ $from_method }). Switch the connection to the { $to_method } sign-in of config.toml?
switch-keeps = Kept: seats, settings, the CRM copy and queued writes; what was written stays as it is.
## issue 26
header-engine-own = own engine
header-engine-own-short = own
header-engine-service = service pid { $pid }
header-engine-service-short = pid { $pid }
seats-syncing = { $syncing } of { $total } syncing
col-member-id = Member id
seats-none-named = No seat's name, e-mail or member id holds "{ $who }"
seats-named = { $count ->
    [one] { $count } seat matching "{ $who }"
   *[other] { $count } seats matching "{ $who }"
}
saved-nothing-selected = Nothing saved to show
saved-working = working out the view…
key-saved-item-whole = details: the whole row
run-log-lines = Log lines of this run (this console's log):
run-log-none = none
col-duration = Took
field-history = History
history-only = only { $outcome } runs (v shows the next)
key-view-outcome = view: all runs, ok only, error only, cancelled only
key-run-report-log = details: the run's report and its log lines
key-help-top = to the first line
key-help-end = to the last line
purge-table = { $table ->
    [systemusers] { $count ->
        [one] { $count } CRM user
       *[other] { $count } CRM users
    }
    [opportunities] { $count ->
        [one] { $count } opportunity
       *[other] { $count } opportunities
    }
    [accounts] { $count ->
        [one] { $count } account
       *[other] { $count } accounts
    }
    [contacts] { $count ->
        [one] { $count } contact
       *[other] { $count } contacts
    }
   *[other] { $count } { $table }
}
type-word-wrong = "{ $typed }" is not { $word }: type { $word } exactly
filter-none-here = This tab has no table to filter
command-usage = Write it as { $usage }
lang-set = Console language: English
assign-confirm-title = Assign seats
assign-question = Assign { $count ->
    [one] a seat
   *[other] { $count } seats
} ({ $licence } licence, { $edition } edition) to:
key-link-top-candidate = link top: the marked rows to their best candidate
unresolved-bulk-skip-title = Skip activities
unresolved-bulk-skip = Skip { $what }?
unresolved-bulk-back = Bring back { $what }?
unresolved-bulk-skip-effect = Skipped activities stay open in the CRM; s brings them back, u undoes this.
unresolved-link-title = Link to the best candidate
unresolved-link-question = Link { $what } to the best-ranked candidate and close { $count ->
    [one] the activity
   *[other] { $count } activities
} in the CRM:
unresolved-link-more = … and { $count } more
unresolved-link-without = { $count ->
    [one] { $count } has no candidate and stays in the queue.
   *[other] { $count } have no candidate and stay in the queue.
}
unresolved-none-with-candidate = No candidate to link: search the CRM (/) or create the contact (c)
key-find-text = find: text in the messages (highlighted)
key-find-next = next: the next line with the text found
key-find-previous = previous: the previous line with the text found
key-follow-newest = follow: stay on the newest line, or stop
key-scroll-sideways = scroll: the messages sideways
key-keep-find = keep the text to find
key-cancel-put-old-find = cancel: put the old text back
find-prompt = find:
log-find-first = Press / to say what to find
log-find-none = No line shown has "{ $text }"
log-following = following
log-paused = paused (F follows)
log-finding = "{ $text }" (n/N)
log-shifted = →{ $columns }
source-file-line = { $file }:{ $line }
source-default = built-in default
key-reset-to-file = reset: back to the config file's value
setting-resetting = { $question }: back to the config file's value…
setting-not-changed-here = { $question } was not changed here: it already has the config file's value
resolved-title = { $count } resolved lately · resolved view (v)
resolved-empty = Nothing resolved yet.
resolved-read-only = The resolved view only shows what was done: v goes back to the queue
col-linked-to = Linked to
col-how = How
col-resolved = Resolved
key-unassign-seats = unassign: take the CRM user off the marked seats
seats-unassign-title = Unassign seats
seats-unassign-question = Take the CRM user off { $what } and switch its sync off?
seats-unassign-effect = The seat stays, with its activities; n assigns a CRM user again.
seats-unassign-undecided = { $count ->
    [0] No activity is waiting to be written.
    [one] { $count } activity not yet written to the CRM is left out for good at the next sync.
   *[other] { $count } activities not yet written to the CRM are left out for good at the next sync.
}
seats-unassign-queued = { $count ->
    [0] No write is queued.
    [one] { $count } write already queued still goes to the CRM as the seat holder.
   *[other] { $count } writes already queued still go to the CRM as the seat holder.
}
seats-unassigned = { $count ->
    [0] No seat changed: none had a CRM user or sync on
    [one] { $count } seat unassigned: no CRM user, sync off
   *[other] { $count } seats unassigned: no CRM user, sync off
}
## issue 21
health-ok = ok
health-degraded = degraded
health-failing = failing
health-offline = offline
health-why-synced = the last sync finished cleanly
health-why-never-synced = connected, no sync finished yet
health-why-not-connected = not connected to the CRM
health-why-run-failed = the last sync failed
health-why-run-cancelled = the last sync was stopped before its end
health-why-writes-held = the CRM refused or paused writes in the last sync
health-why-throttled = the CRM asked to slow down
health-why-engine-unreachable = the engine cannot be reached
cli-field-health = health
cli-health-check = navsync { $health }: { $reason }
header-health = sync { $health }
header-last-good-sync = last good sync { $ago }
cfg-allowed-retry-after-failure = use a number followed by s, m or h, from 1s to 1h (e.g. "45s")
next-try-after-failure = { $when } (after a failure)
state-queued = queued
state-open-in-crm = open in CRM
state-closed-in-crm = closed in CRM
state-refused = refused
state-refused-because = refused by the CRM: { $why }
key-pause-schedule = pause/resume schedule
schedule-pausing = Pausing the schedule: only runs you ask for start
schedule-resuming = Resuming the schedule
schedule-paused-next = paused (was { $when })
cli-schedule-paused = The schedule is paused: no run starts until it is resumed (navsync sync --resume) or the engine restarts; runs asked for still start.
cli-schedule-resumed = The schedule runs again; next run { $next }.
cli-schedule-no-engine = No navsync serve or console is running here: there is no schedule to pause or resume.
## issue 26
cfg-bad-tenant = { $answer } is not a tenant: give the Microsoft Entra tenant id (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47) or its domain (contoso.onmicrosoft.com), not a URL
cfg-bad-client = { $answer } is not an application (client) id: give the GUID shown on the app registration's Overview page, e.g. 535fb089-9ff3-47b6-9bfb-4f1264799865
cli-field-api-budget = API budget
api-budget-line = { $requests } requests and { $seconds } s of execution time left of the { $minutes }-minute window ({ $at })
api-budget-unknown = ?
field-api-budget = API budget
api-budget-short = { $requests } requests · { $seconds } s execution left in { $minutes } min
logs-none = no log files yet in { $dir }
logs-no-run = no run { $run } in this data dir's history (navsync status and the Sync tab number the runs)
doctor-line = [{ $verdict ->
    [ok] {" "}ok{" "}
    [info] info
    [warn] warn
   *[fail] FAIL
}] { $text }
doctor-summary = { $fails ->
    [0] no problem
    [one] 1 problem
   *[other] { $fails } problems
}, { $warns ->
    [0] no warning
    [one] 1 warning
   *[other] { $warns } warnings
}
doctor-version = navsync { $version }
doctor-missing = { $path } does not exist
doctor-not-owner = { $path } belongs to uid { $owner }, not to you (uid { $me }): run navsync as that user, or chown it
doctor-open = { $path } is mode { $mode }: other users can read what it holds; run chmod go= { $path }
doctor-private = { $path }: yours, mode { $mode }
doctor-no-socket = no engine socket: no engine runs on this data dir now (commands start their own)
doctor-engine-answers = the engine on the socket answers
doctor-stale-socket = { $path } exists but no engine answers on it (left by an engine that was killed; the next one replaces it)
doctor-no-config = no config file: run navsync init
doctor-device-code = sign-in by device code: no client secret to check
doctor-secret-env = client secret: ${ $var } is set
doctor-secret-env-unset = client secret: ${ $var } is not set in this environment, so sign-in will fail; export it (for systemd, in the unit's EnvironmentFile)
doctor-secret-inline = client secret: written in the config file (its mode is checked above)
doctor-no-token-cache = no token cache yet (written at the first sign-in)
doctor-service = service { $unit }: { $state }
doctor-no-systemctl = systemctl not found: cannot tell whether the service runs (not a failure)
doctor-systemctl-failed = cannot ask systemctl about the service ({ $error }); not a failure
doctor-no-instance = no instance URL in the config: nothing to reach
doctor-reached = { $url } answers (HTTP { $status })
doctor-unreached = { $url } does not answer: { $error }
doctor-clock-ok = clock: within { $skew } s of the CRM's
doctor-clock-skewed = clock: { $secs } s { $direction ->
    [ahead] ahead of
   *[behind] behind
} the CRM's (Date header); beyond { $limit } s sign-in fails (tokens not yet valid or already expired): set the time, e.g. timedatectl set-ntp true
doctor-clock-unknown = clock: the CRM sent no usable Date header, the skew is unknown
doctor-bundle-wrote = wrote the support bundle { $path } (tar, mode 0600); secrets and tokens removed
doctor-bundle-failed = cannot write the support bundle { $path }: { $error }
## issue 22
data-dir-not-dir = { $dir } is not a directory: give `--data-dir` a directory.
data-dir-foreign = the data dir { $dir } belongs to uid { $owner }, not to uid { $own } that runs navsync: its owner could read the store and take over the engine. Use a data dir of your own (`--data-dir`), or have it given to you (`chown`).
data-dir-writable = the data dir { $dir } can be written by others (mode { $mode }): they could replace the store, the lock or the socket. Run `chmod 700 { $dir }`, or use another `--data-dir`.
data-dir-io = cannot create the data dir { $dir } or make it private (mode 0700): { $error }
cfg-allowed-import-bytes = allowed: a number of bytes from 1024 to 17179869184 (16 GiB)
err-import-too-big = { $path } is larger than [writeback] max_import_bytes ({ $limit } bytes): reading stopped there and the lines before it were imported; split the file or raise the limit
cli-import-stopped = import stopped; the lines sent before were imported, and importing the file again adds nothing twice
cli-import-lost = lost track of the engine's answers (it went away or fell behind); the lines sent before were imported, and importing the file again adds nothing twice
cli-import-no-report = cannot write the report of bad lines { $path }: { $error }
cli-import-more-bad = … and { $count } more bad lines
cli-import-report = all { $count } bad lines are listed in { $path }

## issue 26
# Unresolved: a candidate's owner and creation date; who resolved an entry.
candidate-owner = owner { $name }
candidate-created = created { $date }
col-resolved-by = By
# Log: w wraps the messages.
key-wrap-lines = wrap: long lines over several rows, or on one row
log-wrapped = wrapped
log-wrapped-no-scroll = The lines are wrapped: w puts each on one row to scroll it sideways
## issue 21
health-why-sign-in-needed = sign-in needed
health-next-sign-in-needed = Microsoft Entra ID will not renew the sign-in (e.g. MFA is now required): run `navsync connect` to sign in again
header-sign-in-needed = sign-in needed (1, c: sign in again)
error-title-sign-in-needed = Sign-in needed
error-console-next-sign-in-needed = Microsoft Entra ID will not renew the sign-in (e.g. MFA is now required): sign in again (c).
phase-writes-refused = { $count } refused ({ $code })
phase-writes-refused-no-code = { $count } refused
wait-renewing = waiting { $waited }: renewing the sign-in with Microsoft Entra ID
cli-renewing = waiting: renewing the sign-in with Microsoft Entra ID

## the header without the last sync's date
header-synced-ago = synced { $ago }

## Problems and links said by the faces

problem-internal = navsync hit an internal problem
problem-internal-next = See the log file in the data dir; restart navsync if it persists
problem-not-connected = Not connected to Microsoft Dynamics
problem-not-connected-next = Connect first: Connection tab, or `navsync connect`
problem-engine-gone = The navsync engine went away
problem-engine-gone-next = Start it again (`systemctl restart navsync` or `navsync serve`); this console reattaches by itself.
link-attached = attached to the navsync engine (pid { $pid })
link-reattached = Reattached to the navsync engine (pid { $pid }).
link-engine-not-running = The navsync engine is not running; nothing was sent. This console reattaches when it is back.
unassignable-disabled = the user is disabled
unassignable-application-user = it is an application (integration) user
