"""The chat page in a real browser: Debian's Chromium driven by Playwright (never `playwright install`)."""

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import SHOTS

pytestmark = pytest.mark.e2e


@pytest.fixture()
def page(browser, web_url):
    context = browser.new_context(viewport={"width": 420, "height": 860})  # a phone-sized screen
    page = context.new_page()
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    page.goto(web_url)
    page.locator("#text-input").wait_for()
    yield page
    context.close()


def send(page, text):
    page.locator("#text-input").click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def bot_bubbles(page):
    return page.locator(".ai-message")


def test_disclaimer_is_visible_before_the_first_message(page):
    disclaimer = page.get_by_test_id("disclaimer")
    assert disclaimer.is_visible()
    assert "not a diagnosis" in disclaimer.inner_text()
    assert page.get_by_test_id("emergency-banner").is_hidden()


def test_red_flag_shows_a_persistent_emergency_banner_with_the_number(page):
    send(page, "I stopped my baclofen on monday and now I see bugs on the walls")
    banner = page.get_by_test_id("emergency-banner")
    banner.wait_for(state="visible", timeout=15000)
    assert "Call 911 now" in banner.inner_text()
    assert banner.get_by_role("link", name="911").get_attribute("href") == "tel:911"
    page.get_by_text("EMERGENCY: call 911").wait_for()
    page.screenshot(path=str(SHOTS / "web-emergency.png"), full_page=True)
    # persistent: it is still there after a reload
    page.reload()
    page.locator("#text-input").wait_for()
    assert page.get_by_test_id("emergency-banner").is_visible()


def test_quick_replies_are_buttons_and_a_reload_keeps_the_conversation(page):
    send(page, "my legs are really stiff since i ran out of baclofen")
    button = page.get_by_role("button", name="Tablets or liquid")
    button.wait_for(timeout=15000)
    button.click()
    page.get_by_text("Is there anything else you have noticed?").wait_for(timeout=15000)
    page.reload()
    page.locator("#text-input").wait_for()
    # the messages are still on screen, and the bot still knows the conversation
    assert page.get_by_text("Is there anything else you have noticed?").count() >= 1
    send(page, "no that's all")
    none = page.get_by_role("button", name="No, none of these")
    none.wait_for(timeout=15000)  # the red-flag screen comes before any advice that is not an emergency
    none.click()
    page.get_by_test_id("urgent-notice").wait_for(state="visible", timeout=15000)
    page.get_by_text("URGENT: contact the prescriber").wait_for()
    page.screenshot(path=str(SHOTS / "web-conversation.png"), full_page=True)


def test_a_yes_to_the_red_flag_screen_shows_the_emergency_banner_at_once(page):
    send(page, "I'm cutting down my baclofen with my doctor and sleeping badly")
    page.get_by_role("button", name="Tablets or liquid").wait_for(timeout=15000)
    page.get_by_role("button", name="Tablets or liquid").click()
    page.get_by_text("Is there anything else you have noticed?").wait_for(timeout=15000)
    send(page, "that's all")
    yes = page.get_by_role("button", name="Yes, one of these")
    yes.wait_for(timeout=15000)
    assert page.get_by_test_id("emergency-banner").is_hidden()
    yes.click()
    page.get_by_test_id("emergency-banner").wait_for(state="visible", timeout=15000)
    page.get_by_text("You said that one of the emergency signs is happening now").wait_for()


def test_a_pasted_message_over_the_limit_is_not_cut_and_its_red_flag_is_answered(page):
    """Pasted, 2,100 characters with the red flag at the very end: the page used to cut the text at
    2,000 without a word, so the red flag never left the browser."""
    story = ("I have been on baclofen for years for my back and it mostly helps. " * 32)[:2050]
    page.locator("#text-input").click()
    page.keyboard.insert_text(story + " now my wife is having a seizure")
    page.keyboard.press("Enter")
    page.get_by_test_id("emergency-banner").wait_for(state="visible", timeout=15000)
    page.get_by_text("too long", exact=False).first.wait_for(timeout=15000)


def test_html_from_the_user_is_shown_as_text_not_run(page):
    send(page, "<script>window.__injected = 1</script><b>bold</b> hello")
    page.get_by_text("<script>window.__injected = 1</script>", exact=False).first.wait_for(timeout=10000)
    assert page.evaluate("window.__injected") is None
    assert bot_bubbles(page).count() >= 1


def test_every_request_stays_on_this_machine(page, bot_url):
    send(page, "hello")
    page.get_by_text("self-assessment, not", exact=False).first.wait_for(timeout=15000)
    hosts = {urlparse(u).hostname for u in page.requested if not u.startswith("data:")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts


def test_keyboard_alone_can_send_and_answer_a_button(page):
    send(page, "i missed my baclofen and i'm shaky")
    page.get_by_role("button", name="Intrathecal pump").wait_for(timeout=15000)
    page.get_by_role("button", name="Intrathecal pump").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Is there anything else you have noticed?", exact=False).wait_for(timeout=15000)


def test_the_page_uses_the_local_libraries():
    assert shutil.which("npm") or Path("web/node_modules/deep-chat").exists()
    assert Path("web/node_modules/deep-chat/dist/deepChat.bundle.js").exists()


def test_a_page_from_another_origin_cannot_open_a_chat(bot_url):
    import requests

    polling = f"{bot_url}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(polling, headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 400
    allowed_origin = requests.get(polling, timeout=10)  # no Origin: not a browser page
    assert allowed_origin.status_code == 200


def test_long_polling_answers_the_page_with_one_cors_header(bot_url, web_url):
    """Two Access-Control-Allow-Origin headers (Rasa's --cors and engine.io's) made browsers refuse
    every long-polling response: only websockets worked."""
    import requests

    reply = requests.get(f"{bot_url}/socket.io/?EIO=4&transport=polling", headers={"Origin": web_url}, timeout=10)
    assert reply.status_code == 200
    assert reply.raw.headers.getlist("Access-Control-Allow-Origin") == [web_url]


def test_clinician_view_shows_why_and_saves_a_scenario(browser, web_url, tmp_path):
    from bot.flows.scenario import load_file

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{web_url}/clinician")
    page.locator("#text-input").wait_for()
    send(page, "my husband stopped his baclofen and now he is confused, really confused, and itchy, no fever")
    panel = page.get_by_test_id("clinician-panel")
    panel.get_by_text("intent: red_flag (1.00)").wait_for(timeout=15000)
    understood = panel.locator(".bb-understood").first.inner_text()
    assert "symptom: confusion (present)" in understood and "symptom: fever (negated)" in understood
    assert understood.count("confusion") == 1  # said twice, listed once
    # A carer's report is said once for the message, not for some of its findings only.
    assert panel.get_by_test_id("carer-note").count() == 1 and "someone else" not in understood
    panel.get_by_text("Triage: emergency").wait_for(timeout=15000)
    text = panel.inner_text()
    assert "Sources: " in text and "FDA boxed warning" in text  # the sources' titles ...
    assert "itb_boxed_warning" not in text  # ... not their ids
    box = panel.bounding_box()
    assert box and box["width"] >= 420  # wide enough to read
    page.screenshot(path=str(SHOTS / "clinician-view.png"), full_page=True)
    with page.expect_download() as download:
        panel.get_by_test_id("save-scenario").click()
    saved = tmp_path / "scenario.yml"
    download.value.save_as(saved)
    scenario_file = load_file(saved)  # raises with the line of any mistake
    (scenario,) = scenario_file.scenarios
    assert len(scenario.turns) == 1
    # What the bot understood and the turn's level are kept, so the saved file checks them.
    kept = {(u.id, tuple(u.contexts)) for u in scenario.turns[0].understood}
    assert ("fever", ("negated",)) in kept and any(i == "confusion" for i, _ in kept)
    assert scenario.turns[0].levels == ("emergency",) and scenario.levels == ("emergency",)
    context.close()


def test_a_button_of_an_earlier_question_is_not_sent_and_the_page_says_why(page):
    send(page, "my legs are really stiff since i ran out of baclofen")
    tablets = page.get_by_role("button", name="Tablets or liquid")
    tablets.wait_for(timeout=15000)
    tablets.click()
    page.get_by_text("Is there anything else you have noticed?").wait_for(timeout=15000)
    before = bot_bubbles(page).count()
    tablets.click()  # the route question was answered already
    page.get_by_text("That button belongs to an earlier question").wait_for(timeout=5000)
    page.wait_for_timeout(1500)
    assert bot_bubbles(page).count() == before + 1, "only the note: nothing reached the bot"


def test_with_the_bot_unreachable_the_page_says_so_with_the_number_and_sends_once_back(browser, tmp_path):
    """The chat page of a bot whose Rasa server is down: a lasting notice with a tel: link; what the
    person types waits and is sent when the server is back."""
    import subprocess
    import sys

    import requests

    from tests.e2e.conftest import LOGS, BotServers, free_port, wait_until

    web_port = free_port()
    servers = BotServers(tmp_path, "offline", web_port)
    servers.start_actions()
    web = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.serve_web", "--port", str(web_port), "--rasa-url", servers.url],
        env=servers.env,
        stdout=open(LOGS / "offline-web.log", "w"),
        stderr=subprocess.STDOUT,
    )
    context = browser.new_context(viewport={"width": 420, "height": 860})
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{web_port}", timeout=2).ok, "chat page server", 30)
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{web_port}")
        offline = page.get_by_test_id("offline-notice")
        offline.wait_for(state="visible", timeout=15000)
        assert "Not connected" in offline.inner_text()
        assert offline.get_by_role("link", name="911").get_attribute("href") == "tel:911"
        send(page, "I stopped my baclofen and I'm seeing bugs on the walls")
        page.get_by_text("will be sent as soon as the connection is back").wait_for(timeout=5000)
        servers.start_rasa()  # back
        page.get_by_test_id("emergency-banner").wait_for(state="visible", timeout=60000)
        assert offline.is_hidden()
        page.get_by_text("EMERGENCY: call 911").wait_for()
    finally:
        context.close()
        web.terminate()
        web.wait(timeout=10)
        servers.stop()


def urgent_with_a_checkin_in_an_hour(page):
    """An urgent assessment on the page, and "In 1 hour" pressed (2 s in this test run)."""
    send(page, "I ran out of baclofen yesterday and I can't sleep")
    page.get_by_role("button", name="Tablets or liquid").click(timeout=15000)
    page.get_by_role("button", name="That's all").click(timeout=15000)
    page.get_by_role("button", name="No, none of these").click(timeout=15000)
    page.get_by_role("button", name="In 1 hour").click(timeout=15000)
    page.get_by_text("I will check on you in 1 hour").wait_for(timeout=15000)


def test_a_checkin_shows_on_the_open_page_and_the_summary_prints(page):
    urgent_with_a_checkin_in_an_hour(page)
    # The bot writes first, on the page that stayed open.
    page.get_by_text("this is the check-in you asked for").wait_for(timeout=30000)
    page.get_by_role("button", name="Worse").click(timeout=15000)
    page.get_by_text("Is any of these happening now").nth(1).wait_for(timeout=15000)
    page.screenshot(path=str(SHOTS / "web-checkin-screen.png"), full_page=True)
    page.get_by_role("button", name="No, none of these").last.click(timeout=15000)
    page.get_by_text("Here is my advice again").wait_for(timeout=15000)
    page.screenshot(path=str(SHOTS / "web-checkin.png"), full_page=True)
    page.get_by_role("button", name="Summary for my doctor").last.click(timeout=15000)
    with page.context.expect_page() as printed:
        page.get_by_test_id("print-summary").click(timeout=15000)
    summary = printed.value
    summary.get_by_role("heading", name="Summary for the doctor").wait_for(timeout=10000)
    text = summary.locator("body").inner_text()
    assert "trouble sleeping" in text and "urgent" in text and "the bot checked in as asked" in text
    assert "not a diagnosis" in text


def test_a_checkin_due_while_the_page_was_closed_shows_when_it_comes_back(page, web_url):
    urgent_with_a_checkin_in_an_hour(page)
    page.goto("about:blank")  # the page is closed: nobody in its socket.io room
    page.wait_for_timeout(5000)  # the check-in falls due meanwhile
    page.goto(web_url)
    page.get_by_text("this is the check-in you asked for").wait_for(timeout=15000)
    assert page.get_by_text("How are you now, compared with when we last talked?").count() >= 1


def test_a_widget_conversation_exports_as_a_transcript(page, bot_endpoints, tmp_path):
    from tests.e2e.conftest import export_transcript

    send(page, "I stopped my baclofen on monday and now I see bugs on the walls")
    page.get_by_test_id("emergency-banner").wait_for(state="visible", timeout=15000)
    session = page.evaluate("localStorage.getItem('baclofen-bot-session')")
    text = export_transcript(bot_endpoints, f"webchat:{session}", tmp_path)
    assert "I stopped my baclofen on monday and now I see bugs on the walls" in text
    assert "**Triage: emergency**" in text and "hallucinations (present)" in text
