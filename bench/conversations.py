"""The scripted conversations: ours (withdrawal self-assessment) and stock Rasa's moodbot.

Both bots get two conversations of five turns each, run in rotation, so the load has the same
shape. Ours go through the whole dialogue: symptoms, the form's questions (route, anything else, the
red-flag screen), a question answered by the action server, the assessment at the end; the second
one has a red flag in its third turn (emergency in that same turn), and the two replies after it get
the emergency reminder. `expect` checks that the bot
really went down that path (a mismatch is reported as `unexpected`, never silently passed).
"""

from __future__ import annotations

from typing import List

from bench.load import Conversation, Turn

OURS: List[Conversation] = [
    [
        Turn("i ran out of baclofen two days ago and my legs are really stiff", expect="tablets"),
        Turn("tablets", expect="anything else"),
        Turn("is baclofen addictive?", expect="baclofen"),
        Turn("no that's all", expect="happening now"),
        Turn("no, none of these", expect="triage=urgent"),
    ],
    [
        Turn("hello", expect="own words"),
        Turn("i stopped my baclofen yesterday", expect="tablets"),
        Turn("now i'm seeing bugs on the walls", expect="triage=emergency"),
        # after the emergency advice every reply says it again first
        Turn("thanks", expect="needs emergency help"),
        Turn("bye", expect="needs emergency help"),
    ],
]

STOCK: List[Conversation] = [
    [
        Turn("hi", expect="how are you"),
        Turn("I am sad", expect="cheer you up"),
        Turn("yes", expect="carry on"),
        Turn("are you a bot?", expect="i am a bot"),
        Turn("bye", expect="bye"),
    ],
    [
        Turn("hello", expect="how are you"),
        Turn("my day was horrible", expect="cheer you up"),
        Turn("no", expect="bye"),
        Turn("are you a human?", expect="i am a bot"),
        Turn("goodbye", expect="bye"),
    ],
]
