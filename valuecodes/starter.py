"""The starter library that ships with ttm, loaded by migration 0002.

Drawn from established models of trust and relationships: the "trusted advisor" trust equation
(credibility, reliability, intimacy over self-orientation) with character added; organisational
trust; the ladder of service relationships; mission and inclusion. Each Value Code has five
observable, progressive statements: level 1 barely acceptable, level 5 what good looks like.
"""

STARTER_LIBRARY_NAME = "Starter library"
STARTER_LIBRARY_DESCRIPTION = (
    "Value Codes for relationships between organisations and between teams: trust, "
    "organisational trust, the service relationship, and mission and inclusion. Duplicate it to "
    "adapt the wording to your audience."
)

# (section, identifier, description, (statement 1 .. statement 5), help text)
STARTER_VALUE_CODES = [
    # Trust: the trusted-advisor trust equation, with character added.
    (
        "Trust",
        "Reliability",
        "The extent to which the other side does what it said it would do, when it said it would.",
        (
            "Promises are missed without warning; we chase every commitment ourselves.",
            "Commitments are usually met when nothing goes wrong; slips are found out late.",
            "Most commitments are met; when one slips, the reason is explained afterwards.",
            "Risks to a commitment are flagged early and the plan is reset together.",
            "Commitments are kept, or renegotiated openly before they fall due; we plan on them "
            "without a fallback.",
        ),
        "Think of the last few deadlines, deliveries or call-backs that were promised.",
    ),
    (
        "Trust",
        "Credibility",
        "The extent to which the other side's words, estimates and advice can be believed.",
        (
            "Claims and estimates are routinely wrong; we check everything they tell us.",
            "Estimates are optimistic or padded; we adjust them before we use them.",
            "Advice is usually sound within their own field, less so beyond it.",
            "Estimates come with assumptions and risks stated; they say when they do not know.",
            "Their advice is trusted enough to decide on, and they say so when it changes.",
        ),
        "Credibility is about words: expertise, accuracy, and honesty about what is not known.",
    ),
    (
        "Trust",
        "Intimacy",
        "The extent to which people feel safe raising difficult or sensitive matters with the "
        "other side.",
        (
            "Problems are hidden until they cannot be; raising one feels risky.",
            "Sensitive issues are raised only through formal channels or escalation.",
            "Difficult topics can be discussed with a few trusted individuals.",
            "Concerns and bad news are raised early and handled with discretion.",
            "Either side can say what worries it, without blame, and it is acted on.",
        ),
        "Intimacy here means safety and discretion, not friendliness.",
    ),
    (
        "Trust",
        "Character",
        "The extent to which the other side acts with integrity and treats people fairly, "
        "including when no one is checking.",
        (
            "Agreements are bent when it suits them; people are treated as obstacles.",
            "They keep to the letter of the contract, and not beyond it.",
            "They behave fairly in most cases, though pressure sometimes shows.",
            "They own their mistakes and put them right without being asked.",
            "They do the right thing even at a cost to themselves, and their people say so too.",
        ),
        "",
    ),
    (
        "Trust",
        "Self-orientation",
        "The extent to which the other side focuses on our interests rather than its own.",
        (
            "Every conversation turns to what they want to sell or protect.",
            "They listen, but mainly for openings that serve their own targets.",
            "They attend to our needs when those do not conflict with their own.",
            "They put our problem first and tell us when something is not in our interest.",
            "The focus is on us: they recommend what serves us, even when they gain nothing.",
        ),
        "This is the denominator of the trust equation: the higher it is, the less trust. "
        "Level 5 means a focus on the other, not on self.",
    ),
    # Organisational trust.
    (
        "Organisational trust",
        "Transparency",
        "The extent to which measures are agreed before work starts and issues are shared as "
        "they arise with everyone affected.",
        (
            "Work is a black box; we learn about problems from their consequences.",
            "Status is available on request, in their jargon, after the event.",
            "Regular reports exist, but measures were set by one side and few read them.",
            "Measures are agreed up front and issues are reported promptly to those affected.",
            "Both sides see the same live picture, agreed before work starts, and decide together "
            "as issues arise.",
        ),
        "",
    ),
    (
        "Organisational trust",
        "Unit self-orientation",
        "The extent to which a unit's processes serve its customers rather than protect the unit.",
        (
            "Processes exist to avoid blame: forms, sign-offs and hand-offs block the customer.",
            "Processes are enforced as rules, even when they plainly do not help the customer.",
            "Processes are explained to customers, though rarely changed for them.",
            "Processes are reviewed with customers and changed where they get in the way.",
            "Processes are designed around the customer; customers would choose them themselves.",
        ),
        "Think of the unit as a whole: its rules, forms and approval steps, not individuals.",
    ),
    (
        "Organisational trust",
        "Commitments",
        "The extent to which commitments, best efforts and good intentions are told apart, named "
        "as such, and honoured.",
        (
            "Intentions are heard as promises and broken; nobody can say which was which.",
            "Firm commitments are kept, but many statements are vague about what they are.",
            "Commitments are named as such; best efforts and intentions are often not.",
            "Each undertaking is named as a commitment, a best effort or an intention, and kept "
            "accordingly.",
            "Both sides name every undertaking precisely, honour it, and release it openly when "
            "it cannot be kept.",
        ),
        "A commitment is a promise; a best effort is a promise to try; a good intention is "
        "neither.",
    ),
    # Relationship.
    (
        "Relationship",
        "Service relationship level",
        "The extent to which the relationship has grown from supplying things to shaping "
        "outcomes together.",
        (
            "Vendor: we buy on price against a specification; any supplier would do.",
            "Problem solver: they fix the problems we bring them, well and on time.",
            "Consultant: they help us understand our problems and suggest what to do.",
            "Partner: we set goals together and share the risk and reward of reaching them.",
            "Trusted partner: they are part of how we decide our strategy; we would not think of "
            "replacing them.",
        ),
        "The five levels are the five kinds of relationship: Vendor, Problem solver, Consultant, "
        "Partner, Trusted partner.",
    ),
    (
        "Relationship",
        "Quality of attention",
        "The extent to which people give each other full, unhurried attention when they meet.",
        (
            "Meetings are cancelled or spent on phones; we are one item on a long list.",
            "We get attention when something goes wrong, and lose it when it is fixed.",
            "Scheduled meetings are kept and mostly attended to.",
            "People listen to understand, check what they heard and follow it up.",
            "We feel heard: people remember what matters to us and come prepared.",
        ),
        "",
    ),
    (
        "Relationship",
        "Authentic communication",
        "The extent to which communication is human and direct rather than marketing-speak.",
        (
            "Messages are scripted, evasive or spin; we cannot tell what is really happening.",
            "Communication is polite but generic; the real message must be decoded.",
            "Most messages are plain, though bad news still arrives wrapped in spin.",
            "People speak plainly, in their own voice, about good and bad news alike.",
            "Conversations are candid and personal; we can say anything and be heard.",
        ),
        "",
    ),
    (
        "Relationship",
        "Give and take",
        "The extent to which targets and requests are negotiated, with the trade-offs named.",
        (
            "Demands are made one way; the other side absorbs the cost or refuses.",
            "Requests are negotiated under pressure; costs appear later as surprises.",
            "Requests are discussed, but trade-offs are implicit and remembered differently.",
            "Targets are agreed with the trade-offs named: what will be given up to reach them.",
            "Both sides trade openly for shared gain, record what was traded, and revisit it.",
        ),
        "",
    ),
    # Mission and inclusion.
    (
        "Mission and inclusion",
        "Mission clarity",
        "The extent to which people know what the organisation is for and how their work "
        "contributes to it.",
        (
            "People cannot say what the organisation is for beyond their own tasks.",
            "A mission statement exists, but few can say what it means for their work.",
            "Most people can explain the mission and some of how their work serves it.",
            "People use the mission to choose between options and to say no.",
            "Everyone, from front line to board, can say how today's work serves the mission, "
            "and they say the same thing.",
        ),
        "",
    ),
    (
        "Mission and inclusion",
        "Inclusion in decision-making",
        "The extent to which employees and customers are included in strategy and design.",
        (
            "Decisions are announced; those affected hear of them last.",
            "People are informed before changes; their views are not asked.",
            "Views are sought through surveys, but it is unclear what happens to them.",
            "Employees and customers take part in design and hear how their input was used.",
            "Employees and customers help set strategy and co-design services from the start.",
        ),
        "",
    ),
    (
        "Mission and inclusion",
        "Priority stability",
        "The extent to which work that is started gets finished rather than switched.",
        (
            "Priorities change weekly; much work is abandoned half done.",
            "Priorities change often; only urgent work reliably gets finished.",
            "Most planned work is finished, though a few projects are dropped midway.",
            "Priorities change only at planned points, with the cost of switching named.",
            "Work started is finished; changes of priority are rare, deliberate and explained.",
        ),
        "",
    ),
    (
        "Mission and inclusion",
        "Advocacy",
        "The extent to which our people would recommend us as a place to work and as a supplier.",
        (
            "People warn friends away and would not buy from us themselves.",
            "People are neutral; they would not recommend us unprompted.",
            "Most would recommend us, with reservations they state openly.",
            "People recommend us readily and bring in colleagues and customers.",
            "People are proud advocates: they recommend us unprompted, inside and outside.",
        ),
        "Ask: would you recommend working here, and buying from us, to a friend?",
    ),
    (
        "Mission and inclusion",
        "Voice of the customer",
        "The extent to which leaders hear customers directly, not only through reports.",
        (
            "Leaders know customers only through revenue figures and complaints escalated to them.",
            "Leaders read customer survey reports once or twice a year.",
            "Leaders meet key customers occasionally, mostly at formal reviews.",
            "Leaders meet a range of customers regularly and act on what they hear.",
            "Leaders spend time with customers and front-line staff routinely, and customers see "
            "the results.",
        ),
        "",
    ),
]
