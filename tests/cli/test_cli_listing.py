"""The listing commands: ``projects`` names the APP ids, ``campaigns`` reads and fills a store,
and a stopped endpoint's advice offers only what the command can do."""

from __future__ import annotations

from botocore.exceptions import ClientError

from pinpoint_kpi_pandas import cli
from pinpoint_kpi_pandas.fetch import service_error


def _run(capsys, *argv):
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_projects_lists_every_project_of_the_emulator(capsys, emulator):
    status, out, err = _run(capsys, "projects", "--endpoint-url", emulator.endpoint_url)
    assert status == 0, err
    for app in emulator.world.applications:
        assert any(line.startswith(app.id) and app.name in line for line in out.splitlines())


def test_campaigns_fill_a_store_and_answer_from_it_offline(capsys, emulator, app, tmp_path):
    online = _run(capsys, "campaigns", app.id, "--cache", str(tmp_path),
                  "--endpoint-url", emulator.endpoint_url)  # fmt: skip
    offline = _run(capsys, "campaigns", app.id, "--cache", str(tmp_path), "--offline",
                   "--endpoint-url", "http://127.0.0.1:9")  # fmt: skip
    assert online[0] == offline[0] == 0 and online[1] == offline[1]
    assert all(c.name in online[1] for c in app.campaigns)


def test_a_stopped_endpoint_offers_a_store_only_where_the_command_takes_one(capsys, app):
    dead = "http://127.0.0.1:9"
    status, _, projects = _run(capsys, "projects", "--endpoint-url", dead)
    assert status == 1 and "cannot reach Pinpoint at http://127.0.0.1:9" in projects
    assert "--offline" not in projects and "--endpoint-url" in projects
    status, _, campaigns = _run(capsys, "campaigns", app.id, "--endpoint-url", dead)
    assert status == 1 and "--offline with --cache reads stored answers" in campaigns


def test_only_a_web_page_is_called_a_web_page():
    def error(message: str, status: int) -> str:
        body = {"Error": {"Code": "BadRequestException", "Message": message},
                "ResponseMetadata": {"HTTPStatusCode": status}}  # fmt: skip
        return str(service_error(None, ClientError(body, "GetApps"), what="listing"))

    assert error("<campaign-id> is not a valid id", 400).endswith(
        "BadRequestException (HTTP 400): <campaign-id> is not a valid id"
    )
    page = error("<!DOCTYPE HTML>\n<html>\n<body>Not Found</body>\n</html>", 404)
    assert (
        "an HTML page, not a Pinpoint answer (<!DOCTYPE HTML> <html> <body>Not Found</...)" in page
    )
    assert page.endswith("Check endpoint_url.") and "\n" not in page
