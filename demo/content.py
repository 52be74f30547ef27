"""The demo site's writing: posts by three bloggers over several months, and their readers' threads.

A post is (author, days ago, title, labels, body, threads). A thread entry is (commenter, minutes after the
post or its parent, text, replies), and replies nest the same way. `status` may follow as a fifth item.
"""

# ruff: noqa: E501

POSTS = [
    (
        "karen",
        3,
        "Well, the verdict is finally in",
        "life, work",
        """Well, the verdict is finally in: I did not get the job.

Three interviews, a presentation I rehearsed to the cat until she left the room, and a very kind phone call from a woman called Lorraine who said they had "gone with someone with more direct experience". She said it so gently that I thanked her twice, which is the sort of thing I do.

I'm not going to pretend I'm fine. I wanted it. I had already, quietly, planned the walk to the new office and where I would buy my coffee. That's the part nobody warns you about: you don't just lose the job, you lose the small imaginary life you built around it while you waited.

So tonight I'm allowed soup, a blanket and one (1) sad film. Tomorrow I'll update the spreadsheet and start again.

Thank you to everyone who sent good luck messages. They worked on me, even if they didn't work on the hiring panel.""",
        [
            (
                "sp",
                95,
                "Oh Karen, I'm so sorry. For what it's worth, a panel that watched you prepare like that and still said no has simply made a mistake they'll never know about.\n\nThe imaginary-life thing is so true. Grieve the coffee shop. Then find a better one.",
                [
                    (
                        "karen",
                        40,
                        'Thank you, sp. I did actually laugh at "grieve the coffee shop". It was a very good coffee shop, in my head.\n\nI\'ll keep you posted on round two.',
                        [
                            (
                                "sp",
                                25,
                                "Please do. And if round two needs a pretend interviewer who isn't a cat, I'm available most evenings.",
                                [
                                    (
                                        "karen",
                                        12,
                                        "Deal. The cat was a harsh critic anyway.",
                                        [],
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "marguerite",
                180,
                "I didn't get the first three jobs I went for after the library closed, and the fourth was the one I stayed in for eleven years. Soup is the correct response. So is starting again tomorrow.",
                [
                    (
                        "tomasz",
                        30,
                        "Same here: the job I really wanted turned me down, and six months later I was glad. Not that it helps tonight. Sending bread-shaped sympathy.",
                        [
                            (
                                "karen",
                                55,
                                "Bread-shaped sympathy accepted. You're all very kind, and you've made a rotten day a lot less lonely.",
                                [],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "karen",
        24,
        "Waiting is its own kind of weather",
        "life, work",
        """The third interview was on Tuesday. They said they'd let me know "by the end of next week", which is a phrase that can stretch to cover almost any amount of time.

I've discovered that waiting has weather. Monday was bright: of course they'll ring. Wednesday was fog. Thursday there was a short, sharp hailstorm when my phone buzzed and it was the dentist.

I'm trying to keep busy. I've re-grouted the bathroom, which needed doing anyway, and read two novels, one of them twice because I couldn't remember a word of it the first time.""",
        [
            (
                "sp",
                60,
                "The dentist calling at the worst possible moment is a universal law. Fingers crossed for you.",
                [
                    ("karen", 20, "The dentist has no sense of drama. Thank you!", []),
                ],
            ),
            (
                "tomasz",
                300,
                "Re-grouting is an excellent waiting activity. Measurable progress, and you can't check your email with wet hands.",
                [],
            ),
        ],
    ),
    (
        "karen",
        70,
        "The first frost and a bus that never came",
        "weather, small victories",
        """Proper frost this morning: the kind that makes the car look like it has been sugared. I decided to take the bus instead, and stood at the stop for twenty-five minutes watching the timetable screen cheerfully count down to a bus that did not exist.

I walked in the end. It was beautiful: white fields, a heron standing in the ditch looking as fed up as I was. I arrived late, pink-cheeked and oddly pleased with myself.

Small victory of the week: I now own gloves that match.""",
        [
            (
                "marguerite",
                120,
                "A heron in a frosty ditch is worth any number of buses. My allotment was glittering this morning too, and the last of the leeks looked very brave.",
                [
                    (
                        "karen",
                        45,
                        "Brave leeks! I would read a whole blog about them.",
                        [
                            (
                                "marguerite",
                                60,
                                "Be careful what you wish for. I have *opinions* about leeks.",
                                [],
                            ),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "marguerite",
        9,
        "What the old parish records say about our allotments",
        "history, allotment",
        """I spent a rainy Saturday in the county record office with a pencil (no pens allowed) and a box of parish papers, looking for the first mention of the field our allotments now stand on.

It turns up in 1847 as "the Poor's Land", let to labouring families at a nominal rent so that they could grow their own potatoes. The names of the first tenants are there in a careful hand: Hollis, Tranter, two Widow Marshes.

It moved me more than I expected. The same strip of clay, the same arguments about water, the same people leaning on the same sort of fence. I came home and planted garlic in what may well have been a Marsh family's bed.

## What I'd like to find next

Whether any of the tenants' descendants still live in the parish. If you know a Tranter, do point them my way.""",
        [
            (
                "karen",
                200,
                "Two Widow Marshes! I need to know everything about them now. Did they share a plot?",
                [
                    (
                        "marguerite",
                        90,
                        "Neighbouring plots, which I choose to believe means they were sisters-in-law who got on. The record doesn't say. Records never say the interesting part.",
                        [
                            (
                                "sp",
                                50,
                                '"Records never say the interesting part" is going on a tea towel.',
                                [
                                    (
                                        "marguerite",
                                        15,
                                        "I'll take royalties in seed potatoes.",
                                        [],
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "dana",
                1440,
                "My grandmother was a Tranter from just over the county line. I'll ask my aunt; she keeps the family Bible with all the births written in the front.",
                [
                    (
                        "marguerite",
                        120,
                        "Oh, please do! That would make my year. You can reach me through my profile page.",
                        [],
                    ),
                ],
            ),
        ],
    ),
    (
        "marguerite",
        41,
        "A modest defence of slugs",
        "allotment",
        """Not a full defence. They ate every one of my lettuces in July and I said things to them I won't repeat here.

But a friend who studies these things tells me that most of the slugs in a garden are busy eating dead leaves and rotting matter, and only a few species go for the lettuces. The rest are, in their damp way, on our side.

So I've stopped the war on all fronts and now only patrol the salad bed with a torch after dark, like a very slow nightwatchman.""",
        [
            (
                "tomasz",
                80,
                "The image of you patrolling with a torch is wonderful. Does the torch help, or is it mostly for morale?",
                [
                    (
                        "marguerite",
                        35,
                        "Mostly morale. Also, you can't see slugs without it, which is a practical consideration.",
                        [],
                    ),
                ],
            ),
        ],
    ),
    (
        "marguerite",
        103,
        "Seed catalogues in the dark months",
        "allotment, winter",
        """Every January the seed catalogues arrive and I become, briefly, a person who believes she will grow fourteen varieties of bean.

This year I have been strict. Three beans. Two of them are the same bean in different colours, but I'm counting that as restraint.""",
        [
            ("karen", 240, "Three beans is heroic restraint. I'd have bought the fourteen.", []),
        ],
    ),
    (
        "tomasz",
        6,
        "My sourdough starter has outlived two laptops",
        "bread, software",
        """I started feeding this jar of flour and water eight years ago, the week I began my first programming job. Since then I have changed jobs three times, moved flat twice and worn out two laptops. The starter is still here, bubbling on the windowsill.

There's a lesson in that about maintenance. The laptops were expensive and clever and needed nothing from me until they died. The starter is cheap and simple and needs feeding every day, and it has never once let me down.

I'm not saying software should be more like sourdough. I'm saying I think about it a lot while I'm kneading.""",
        [
            (
                "sp",
                75,
                "Eight years! Does it have a name? Surely it has a name by now.",
                [
                    (
                        "tomasz",
                        20,
                        "It's called Gerald. I didn't name it; my niece did, and it stuck.",
                        [
                            (
                                "karen",
                                60,
                                "Gerald has been more reliable than most people I've worked with.",
                                [
                                    (
                                        "tomasz",
                                        10,
                                        "Gerald has never once scheduled a meeting that could have been an email.",
                                        [
                                            (
                                                "sp",
                                                30,
                                                "Gerald for team lead.",
                                                [
                                                    (
                                                        "marguerite",
                                                        45,
                                                        "I'd follow Gerald anywhere, provided there's butter.",
                                                        [],
                                                    ),
                                                ],
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "dana",
                400,
                "Could you share how you feed it? Mine goes grey and sulky every time I leave it for a weekend.",
                [
                    (
                        "tomasz",
                        90,
                        "Equal weights of flour and water, once a day, in a cool spot. If you're away, feed it and put it in the fridge: it sleeps happily for a week. Grey liquid on top just means it's hungry; pour it off and feed it.",
                        [
                            (
                                "dana",
                                200,
                                "The fridge trick! Thank you. My starter and I are reconciled.",
                                [],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "dana",
                2000,
                "Also: does rye flour really make it livelier, or is that a myth? I've read both.",
                [],
                "pending",
            ),
        ],
    ),
    (
        "tomasz",
        52,
        "Notes from debugging a clock that was one hour wrong",
        "software",
        """For two days a report at work said that some orders were placed an hour before the shop opened. We suspected fraud, then a broken till, then ghosts.

It was, of course, daylight saving time: a date stored without its time zone, read back in a different one. The fix was one line. Finding the line took two days and a whiteboard covered in clocks.

If you store times, store them in UTC, and convert at the last possible moment. I know you know. I knew too.""",
        [
            (
                "marguerite",
                500,
                "The parish records have the same problem, in a way: half the dates are Old Style and half New Style, and nobody wrote down which. You have my sympathy across the centuries.",
                [
                    (
                        "tomasz",
                        60,
                        "This is the most comforting thing anyone has said to me about time zones. Even the eighteenth century couldn't get it right.",
                        [],
                    ),
                ],
            ),
        ],
    ),
    (
        "tomasz",
        130,
        "A loaf for every month of the year",
        "bread",
        """A small project for the year ahead: one new loaf a month, written up here with what went wrong. January is a plain white tin loaf, because you have to learn to walk before you attempt a croissant.""",
        [
            ("karen", 90, "I'm holding you to the croissant.", []),
        ],
    ),
]

# Who follows whom, and how new posts reach them: (follower, blogger, delivery).
FOLLOWS = [
    ("sp", "karen", "instant"),
    ("sp", "tomasz", "digest"),
    ("marguerite", "karen", "inbox"),
    ("karen", "marguerite", "instant"),
]
