"""AWS's documented example event records, for trying the reader and for tests.

The four records of the Amazon Pinpoint Developer Guide's event-stream pages (email send, SMS
success, campaign push send, journey send), one per line as Firehose writes them, email headers
cut to From and To. The guide says its email delivered, open and click events share the send's
``event_timestamp`` and arrive at 1564618622690, 1564618712316 and 1564618713751;
:func:`email_engagement_records` builds those three from the send record *(derived: the guide
prints only their differences)*.
"""

from __future__ import annotations

import json

__all__ = ["email_engagement_records", "example_records"]

_DOCUMENTED: tuple[dict, ...] = (
    {
        "event_type": "_email.send",
        "event_timestamp": 1564618621380,
        "arrival_timestamp": 1564618622025,
        "event_version": "3.1",
        "application": {"app_id": "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "sdk": {}},
        "client": {"client_id": "9a311b17-6f8e-4093-be61-4d0bbexample"},
        "device": {"platform": {}},
        "session": {},
        "attributes": {"feedback": "received"},
        "awsAccountId": "123456789012",
        "facets": {
            "email_channel": {
                "mail_event": {
                    "mail": {
                        "message_id": (
                            "0200000073rnbmd1-mbvdg3uo-q8ia-m3ku-ibd3-ms77kexample-000000"
                        ),
                        "message_send_timestamp": 1564618621380,
                        "from_address": "sender@example.com",
                        "destination": ["recipient@example.com"],
                        "headers_truncated": False,
                        "headers": [
                            {"name": "From", "value": "sender@example.com"},
                            {"name": "To", "value": "recipient@example.com"},
                        ],
                        "common_headers": {
                            "from": "sender@example.com",
                            "to": ["recipient@example.com"],
                            "subject": "Amazon Pinpoint Test",
                        },
                    },
                    "send": {},
                }
            }
        },
    },
    {
        "event_type": "_SMS.SUCCESS",
        "event_timestamp": 1553104954322,
        "arrival_timestamp": 1553104954064,
        "event_version": "3.1",
        "application": {"app_id": "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "sdk": {}},
        "client": {"client_id": "123456789012"},
        "device": {"platform": {}},
        "session": {},
        "attributes": {
            "sender_request_id": "565d4425-4b3a-11e9-b0a5-example",
            "campaign_activity_id": "cbcfc3c5e3bd48a8ae2b9cb41example",
            "origination_phone_number": "+12065550142",
            "destination_phone_number": "+14255550199",
            "record_status": "DELIVERED",
            "iso_country_code": "US",
            "treatment_id": "0",
            "number_of_message_parts": "1",
            "message_id": "1111-2222-3333",
            "message_type": "Transactional",
            "campaign_id": "52dc44b35c4742c98c5935269example",
        },
        "metrics": {"price_in_millicents_usd": 645.0},
        "awsAccountId": "123456789012",
    },
    {
        "event_type": "_campaign.send",
        "event_timestamp": 1562109497426,
        "arrival_timestamp": 1562109497494,
        "event_version": "3.1",
        "application": {"app_id": "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "sdk": {}},
        "client": {"client_id": "d8dcf7c5-e81a-48ae-8313-f540cexample"},
        "device": {"platform": {}},
        "session": {},
        "attributes": {
            "treatment_id": "0",
            "campaign_activity_id": "5473285727f04865bc673e527example",
            "delivery_type": "GCM",
            "campaign_id": "4f8d6097c2e8400fa3081d875example",
            "campaign_send_status": "SUCCESS",
        },
        "client_context": {
            "custom": {
                "endpoint": (
                    '{"ChannelType":"GCM","EndpointStatus":"ACTIVE","OptOut":"NONE","Reques'
                    'tId":"ec229696-9d1e-11e9-8bf1-85d0aexample","EffectiveDate":"2019-07-0'
                    '2T23:12:54.836Z","User":{}}'
                )
            }
        },
        "awsAccountId": "123456789012",
    },
    {
        "event_type": "_journey.send",
        "event_timestamp": 1572989078843,
        "arrival_timestamp": 1572989078843,
        "event_version": "3.1",
        "application": {"app_id": "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6", "sdk": {}},
        "client": {"client_id": "d8dcf7c5-e81a-48ae-8313-f540cexample"},
        "device": {"platform": {}},
        "session": {},
        "attributes": {
            "journey_run_id": "edc9a0b577164d1daf72ebd15example",
            "journey_send_status": "SUCCESS",
            "journey_id": "546401670c5547b08811ac6a9example",
            "journey_activity_id": "0yKexample",
            "journey_activity_type": "EMAIL",
            "journey_send_status_message": "200",
            "journey_send_status_code": "200",
        },
        "client_context": {
            "custom": {
                "endpoint": (
                    '{"ChannelType":"EMAIL","EndpointStatus":"ACTIVE","OptOut":"NONE","Demo'
                    'graphic":{"Timezone":"America/Los_Angeles"}}'
                )
            }
        },
        "awsAccountId": "123456789012",
    },
)


def example_records() -> str:
    """The documented records as newline-delimited JSON.

    Examples
    --------
    >>> [json.loads(line)["event_type"] for line in example_records().splitlines()]
    ['_email.send', '_SMS.SUCCESS', '_campaign.send', '_journey.send']
    """
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in _DOCUMENTED)


def email_engagement_records() -> str:
    """The email's delivered, open and click events, derived from the send record.

    Examples
    --------
    >>> [json.loads(line)["arrival_timestamp"] for line in email_engagement_records().splitlines()]
    [1564618622690, 1564618712316, 1564618713751]
    """
    send = _DOCUMENTED[0]
    out = []
    events: tuple[tuple[str, int, str, dict], ...] = (
        ("delivered", 1564618622690, "delivered", {"delivery": {}}),
        ("open", 1564618712316, "opened", {"open": {}}),
        ("click", 1564618713751, "https://aws.amazon.com/pinpoint/", {"click": {}}),
    )
    for kind, arrival, feedback, detail in events:
        record = json.loads(json.dumps(send))
        record["event_type"] = f"_email.{kind}"
        record["arrival_timestamp"] = arrival
        record["attributes"] = {"feedback": feedback}
        mail_event = {"mail": send["facets"]["email_channel"]["mail_event"]["mail"], **detail}
        record["facets"] = {"email_channel": {"mail_event": mail_event}}
        out.append(json.dumps(record, separators=(",", ":")))
    return "\n".join(out) + "\n"
