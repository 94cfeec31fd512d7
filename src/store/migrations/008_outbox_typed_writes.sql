-- The outbox holds the typed write (format 2: {"v": 2, "write": {"kind":
-- ...}}) instead of the Dataverse request body it was sent as (format 1:
-- {"body": {...}}). Rows still to be sent are converted here, keeping
-- their CRM ids, so a store upgraded with writes pending sends each of
-- them exactly once: the same record, "already exists" if it went out
-- before the upgrade. Rows done are never read again and keep their body.
--
-- A format 1 lookup is "<navigation property>@odata.bind": "/<set>(<id>)";
-- the id is what lies between the parentheses.

-- Tasks: open and regarding nothing, or completed and regarding a contact.
UPDATE outbox SET payload_json = json_object(
    'v', 2,
    'write', json_object(
        'kind', 'create_task',
        'id', outbox.crm_id,
        'subject', json_extract(old.body, '$.subject'),
        'description', json_extract(old.body, '$.description'),
        'at', json_extract(old.body, '$.scheduledend'),
        'owner', substr(old.owner, instr(old.owner, '(') + 1, length(old.owner) - instr(old.owner, '(') - 1),
        'regarding', json(CASE WHEN old.regarding IS NOT NULL THEN json_object(
            'kind', 'contact',
            'id', substr(old.regarding, instr(old.regarding, '(') + 1, length(old.regarding) - instr(old.regarding, '(') - 1)
        ) END),
        'state', CASE json_extract(old.body, '$.statecode') WHEN 1 THEN 'completed' ELSE 'open' END
    ),
    'on_behalf_of', json_extract(outbox.payload_json, '$.on_behalf_of'),
    'version', json_extract(outbox.payload_json, '$.version')
)
FROM (
    SELECT id,
        json_extract(payload_json, '$.body') AS body,
        json_extract(payload_json, '$.body."ownerid@odata.bind"') AS owner,
        json_extract(payload_json, '$.body."regardingobjectid_contact_task@odata.bind"') AS regarding
    FROM outbox
) AS old
WHERE old.id = outbox.id AND outbox.operation = 'create_task' AND outbox.state <> 'done'
    AND json_extract(outbox.payload_json, '$.v') IS NULL;

-- Contacts made from a member's profile, their company an account.
UPDATE outbox SET payload_json = json_object(
    'v', 2,
    'write', json_object(
        'kind', 'create_contact',
        'id', outbox.crm_id,
        'firstname', json_extract(old.body, '$.firstname'),
        'lastname', json_extract(old.body, '$.lastname'),
        'email', json_extract(old.body, '$.emailaddress1'),
        'jobtitle', json_extract(old.body, '$.jobtitle'),
        'account', CASE WHEN old.account IS NOT NULL THEN
            substr(old.account, instr(old.account, '(') + 1, length(old.account) - instr(old.account, '(') - 1)
        END
    )
)
FROM (
    SELECT id,
        json_extract(payload_json, '$.body') AS body,
        json_extract(payload_json, '$.body."parentcustomerid_account@odata.bind"') AS account
    FROM outbox
) AS old
WHERE old.id = outbox.id AND outbox.operation = 'create_contact' AND outbox.state <> 'done'
    AND json_extract(outbox.payload_json, '$.v') IS NULL;

-- A queue entry's resolution: the task linked to the contact and closed.
UPDATE outbox SET payload_json = json_object(
    'v', 2,
    'write', json_object(
        'kind', 'close_task',
        'contact', json_extract(payload_json, '$.resolve.contactid'),
        'how', json_extract(payload_json, '$.resolve.how'),
        'by', json_extract(payload_json, '$.resolve.by')
    )
)
WHERE operation = 'close_task' AND state <> 'done' AND json_extract(payload_json, '$.v') IS NULL;

-- A written conversation's new text.
UPDATE outbox SET payload_json = json_object(
    'v', 2,
    'write', json_object(
        'kind', 'update_task',
        'subject', json_extract(payload_json, '$.body.subject'),
        'description', json_extract(payload_json, '$.body.description')
    ),
    'version', json_extract(payload_json, '$.version')
)
WHERE operation = 'update_task' AND state <> 'done' AND json_extract(payload_json, '$.v') IS NULL;
