"""A hand-written part-of-speech sense for conversational English, without a tagger.

No model may be downloaded, so the grammar rules rely on closed word classes (pronouns,
auxiliaries, conjunctions — small and complete) plus a list of common verbs whose inflected forms
are derived here. Open classes (nouns, adjectives) are whatever is left over.
"""

from functools import lru_cache

from analysis.heuristic.wordset import word_set

SUBJECT_PRONOUNS = word_set(
    "i you he she we they it there here this that these those everyone everybody everything "
    "something someone somebody nothing nobody anyone anybody anything one who which what"
)
# Pronouns that take the base form of a verb ("I want", "they say"): finite without an auxiliary.
BASE_FORM_SUBJECTS = word_set("i you we they")
OBJECT_PRONOUNS = word_set("me him her us them it you myself yourself ourselves")
DETERMINERS = word_set(
    "the a an my your our their his her its this that these those every each some any no most "
    "all both either neither another other such what which whose"
)
AUXILIARIES = word_set(
    "am is are was were have has had do does did will would shall should can could may might must"
)
# Words that may sit between a subject and its verb without breaking the pattern.
ADVERBS = word_set(
    "not just really actually also still always never usually mostly only even basically "
    "probably definitely already often sometimes generally honestly totally kind sort of "
    "literally simply finally then now maybe certainly obviously clearly typically ever "
    "rarely hardly barely all both"
)
COORDINATORS = word_set("and but or so yet nor")
# Single-word subordinators. "before"/"after"/"since"/"until" double as prepositions, so the
# structure rules only count them when a clause (subject + finite verb) follows.
SUBORDINATORS = word_set(
    "because although though if unless until till since while whilst whenever whereas once "
    "after before whether wherever"
)
# Multi-word subordinators, matched on token sequences.
SUBORDINATOR_PHRASES = (
    ("as", "soon", "as"),
    ("so", "that"),
    ("even", "though"),
    ("even", "if"),
    ("as", "long", "as"),
    ("as", "if"),
    ("as", "though"),
    ("now", "that"),
    ("in", "case"),
    ("given", "that"),
)
WH_WORDS = word_set("what where when why how who whom which whose whatever whoever")
# Verbs that take a complement clause, with or without "that" ("I think we're all here").
COMPLEMENT_VERBS = word_set(
    "think thought thinks guess guessed know knew knows said say says mean meant means feel "
    "felt feels hope hoped hopes wish wished realize realized realise realised believe "
    "believed figure figured notice noticed heard hear suppose supposed assume assumed "
    "imagine bet found find agree agreed remember remembered understand understood sure glad "
    "told tell seems seemed decided admit admitted promise promised swear saying thinking "
    "hoping guessing expect expected mentioned explained confirmed learned doubt reckon "
    "pretend pretended insisted warned argued claimed showed show shows ask asked check "
    "checked see saw wonder wondered"
)
DISCOURSE_MARKERS = word_set(
    "okay ok alright so well now and but yeah yes yep yup no nope right oh um uh hmm great "
    "cool sure anyway anyways also then actually honestly look listen hey hi perfect awesome "
    "good nice fine basically plus wait seriously sorry"
)
INTERJECTIONS = word_set("wow whoa oh ah ha haha gosh yay ouch oops damn geez")

# Common verbs in base form. Inflections are derived by `_build_forms`; irregular pasts below.
_BASE_VERBS = word_set(
    "accept add agree allow answer appear apply ask assume avoid become begin believe belong book "
    "break bring build buy call care carry catch change check choose clean click close come "
    "compare complain consider continue copy correct cost count cover create cut decide deliver "
    "depend describe design die do drag draw dread drive drop eat email end enjoy expect explain "
    "fail fall feel fight figure file fill find finish fit fix flag focus follow forget get give "
    "go grab grow guess handle hang happen hate have hear help hide hit hold hope imagine improve "
    "include increase keep kill know lead learn leave let lie like listen live log look lose love "
    "make manage matter mean meet mention mind miss move need note notice offer open own pay pick "
    "plan play point prefer prepare pull push put quote rank reach read realize recommend record "
    "reduce remember remove repeat replace report respond rest review run save say see seem sell "
    "send set share shift show sign sit skip sleep solve sort speak spend stand start stay stop "
    "suggest support suppose switch sync take talk tap teach tell tend thank think track trust "
    "try turn understand update use wait walk want watch wave wish wonder work worry write drill "
    "tag echo ship log test happen feel tick trigger treat sound lose describe ticket land win "
    "type upload download screenshot reread reset restart reboot swap print order pin finish wipe "
    "jam submit file rain post scan scroll search select sort swipe type export import install "
    "delete edit fill paste print press rate remind reply request resolve return ring scratch "
    "settle sign slip smell snap spot stick store stress study suffer supply surprise label hand "
    "pass drop dump estimate fax feed fetch fire flip fold freeze handle hire hurt ignore join "
    "jump kick knock lack laugh lift light load lock mark measure melt mess miss mix name nod "
    "obtain occur operate organise organize paint park pause pick plug pop pour pray present "
    "prevent print promise protect prove provide publish punch qualify raise recover refuse "
    "register reject relax release rely remain rent repair reply require rescue resend rotate "
    "rush schedule seal seat serve settle shake shut sing sink slide smile spell split spread "
    "squeeze stamp state steal step stir strike struggle succeed suit sum survive suspect swear "
    "tackle tear test text throw tie tie touch trade train transfer translate trap travel trim "
    "tweak unlock upgrade vote warn wash waste wear weigh whisper wrap yell zoom admit announce "
    "approve arrange assign attach attend back bother brief calculate cancel chat chase collect "
    "combine comment commit complete confirm connect contact convert crash cry cycle dance deal "
    "decline deploy design determine develop disagree discover discuss display divide doubt "
    "double draft dream dress earn edit email encourage enter escalate evaluate exist expand "
    "expire explore fax fetch flag float fly force forward gather greet guarantee hack handle "
    "head highlight hire hold hop host hurry identify ignore implement imply import improve "
    "inform insist install intend introduce invite invoice involve iron launch lend limit link "
    "list loop mail maintain migrate mirror monitor mount multiply negotiate notify obey observe "
    "occupy onboard overwrite owe pack patch pause perform permit persuade phone pile pitch place "
    "plant please ping prioritize process produce promote propose purchase qualify query question "
    "queue quit reboot recall receive recognize recover refresh refund relate remind render renew "
    "reorder repeat rephrase replace represent reproduce require reschedule resize respect "
    "restore retire retry reverse rewrite route save scale score sell separate shift ship shop "
    "shout sign simplify skim slow snooze sound spin staff stream submit subscribe sync tag "
    "target thank tidy time toggle total tour trace track transcribe trial trouble tune unpack "
    "unsubscribe validate verify video view visit wake weigh welcome whitelist wire worry wonder "
    "yield"
)
# Past participles are listed too: after a noun they act like a finite verb often enough
# ("it broke" / "everything broken") that telling them apart is not worth a tagger.
_IRREGULAR_PAST = {
    "become": ("became",),
    "begin": ("began", "begun"),
    "break": ("broke", "broken"),
    "bring": ("brought",),
    "build": ("built",),
    "buy": ("bought",),
    "catch": ("caught",),
    "choose": ("chose", "chosen"),
    "come": ("came",),
    "cut": ("cut",),
    "do": ("did", "done"),
    "draw": ("drew", "drawn"),
    "drive": ("drove", "driven"),
    "eat": ("ate", "eaten"),
    "fall": ("fell", "fallen"),
    "feel": ("felt",),
    "fight": ("fought",),
    "find": ("found",),
    "forget": ("forgot", "forgotten"),
    "get": ("got", "gotten"),
    "give": ("gave", "given"),
    "go": ("went", "gone"),
    "grow": ("grew", "grown"),
    "hang": ("hung",),
    "have": ("had",),
    "hear": ("heard",),
    "hide": ("hid", "hidden"),
    "hit": ("hit",),
    "hold": ("held",),
    "keep": ("kept",),
    "know": ("knew", "known"),
    "lead": ("led",),
    "leave": ("left",),
    "let": ("let",),
    "lie": ("lay", "lied"),
    "lose": ("lost",),
    "make": ("made",),
    "mean": ("meant",),
    "meet": ("met",),
    "pay": ("paid",),
    "put": ("put",),
    "read": ("read",),
    "run": ("ran",),
    "say": ("said",),
    "see": ("saw", "seen"),
    "sell": ("sold",),
    "send": ("sent",),
    "set": ("set",),
    "show": ("showed", "shown"),
    "sit": ("sat",),
    "sleep": ("slept",),
    "speak": ("spoke", "spoken"),
    "spend": ("spent",),
    "stand": ("stood",),
    "take": ("took", "taken"),
    "teach": ("taught",),
    "tell": ("told",),
    "think": ("thought",),
    "understand": ("understood",),
    "win": ("won",),
    "write": ("wrote", "written"),
}
BASE_VERBS = frozenset(_BASE_VERBS)


def _third_person(base: str) -> str:
    if base in {"have", "do", "go"}:
        return {"have": "has", "do": "does", "go": "goes"}[base]
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return base + "es"
    if base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _regular_past(base: str) -> tuple[str, ...]:
    """Regular past forms. Consonant doubling ("tap" → "tapped" but "open" → "opened") depends on
    stress, so both spellings are listed: the wrong one never occurs in text, so it costs nothing.
    """
    if base.endswith("e"):
        return (base + "d",)
    if base.endswith("y") and base[-2] not in "aeiou":
        return (base[:-1] + "ied",)
    if base[-1] not in "aeiouwxy" and base[-2] in "aeiou" and base[-3:-2] not in set("aeiou"):
        return (base + "ed", base + base[-1] + "ed")
    return (base + "ed",)


def _build_forms() -> tuple[frozenset[str], frozenset[str]]:
    third: set[str] = set()
    past: set[str] = set()
    for base in BASE_VERBS:
        third.add(_third_person(base))
        past.update(_IRREGULAR_PAST.get(base, _regular_past(base)))
    return frozenset(third), frozenset(past)


THIRD_PERSON_VERBS, PAST_VERBS = _build_forms()


@lru_cache(maxsize=8192)
def is_finite_verb(token: str, after_base_subject: bool = False) -> bool:
    """Whether `token` can head a finite clause: an auxiliary, a past or 3rd-person form, or a
    base form right after "I/you/we/they" ("they say")."""
    if token in AUXILIARIES or token in PAST_VERBS or token in THIRD_PERSON_VERBS:
        return True
    return after_base_subject and token in BASE_VERBS


def is_verb(token: str) -> bool:
    """Any form of a known verb, finite or not ("going", "set", "says")."""
    if token in BASE_VERBS or is_finite_verb(token) or token in {"be", "been", "being"}:
        return True
    return token.endswith("ing") and (token[:-3] in BASE_VERBS or token[:-3] + "e" in BASE_VERBS)


FUNCTION_WORDS = (
    SUBJECT_PRONOUNS
    | OBJECT_PRONOUNS
    | DETERMINERS
    | AUXILIARIES
    | COORDINATORS
    | SUBORDINATORS
    | WH_WORDS
    | word_set(
        "to of in on at for with from by about as into over under through like than up down "
        "out off per via without within between against across around"
    )
)
