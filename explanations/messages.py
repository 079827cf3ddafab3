"""Every fixed user-facing phrase of the explanations and views, in Swedish and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (sv, en)
    "disclaimer": (
        "Detta är vägledning, inte juridisk rådgivning. Kontrollera viktiga beslut med en rådgivare, patentombud eller myndighet.",
        "This is guidance, not legal advice. Check important decisions with an advisor, a patent attorney or the authority.",
    ),
    "conclusions": ("Slutsatser", "Conclusions"),
    "recommendations": ("Rekommendationer", "Recommendations"),
    "how": ("Så kom vi fram till det", "How we got there"),
    "because": ("Därför att", "Because"),
    "rule": ("Regel", "Rule"),
    "source": ("Källa", "Source"),
    "sources": ("Källor", "Sources"),
    "you_answered": ("Du svarade", "You answered"),
    "concluded_earlier": ("Slutsats", "Concluded"),
    "concluded": ("slutsatsen blev", "the conclusion was"),
    "decided_by": ("avgjort av", "decided by"),
    "strictest_wins": (
        "Flera regler gav olika svar; det strängaste gäller.",
        "Several rules gave different answers; the strictest applies.",
    ),
    "priority_wins": (
        "Flera regler gav olika svar; regeln med högst prioritet gäller.",
        "Several rules gave different answers; the rule with the highest priority applies.",
    ),
    "also_gave": ("gav", "gave"),
    "why_question": ("Varför frågar vi detta?", "Why do we ask this?"),
    "needed_by": ("Svaret behövs av regeln", "The answer is needed by the rule"),
    "toward": ("för att avgöra", "to decide"),
    "no_rule_needs": ("Ingen öppen regel behöver längre detta svar.", "No open rule needs this answer any more."),
    "why_not": ("Varför inte", "Why not"),
    "no_rule_concludes": ("Ingen regel kan ge denna slutsats.", "No rule can give this conclusion."),
    "failed_on": ("stoppade på villkoret", "stopped at the condition"),
    "waiting_for": ("väntar på svar om", "is waiting for an answer about"),
    "held_but_overridden": ("gällde, men en annan slutsats vägde tyngre", "held, but another conclusion took precedence"),
    "not_asked": ("frågan ställdes inte (gäller inte)", "the question was not asked (not applicable)"),
    "dont_know": ("vet inte", "don't know"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "firm": ("Säkra slutsatser", "Firm conclusions"),
    "conditional": ("Slutsatser som beror på det du inte vet", "Conclusions that depend on what you don't know"),
    "if": ("om", "if"),
    "and": ("och", "and"),
    "matters_most": ("De okända svar som betyder mest", "The unknown answers that matter most"),
    "truncated": (
        "Det fanns för många kombinationer av okända svar; bara de första {n} prövades.",
        "There were too many combinations of unknown answers; only the first {n} were tried.",
    ),
    "open_value": ("fler svar behövs", "more answers needed"),
    "not_applicable": ("gäller inte", "does not apply"),
    "incomplete": ("Konsultationen är inte klar: fler svar behövs för", "The consultation is not finished: more answers are needed for"),
    "next_question": ("Nästa fråga", "Next question"),
    "not_answered": (
        "Frågor som behövdes men saknade svar och därför lästes som ej tillämpliga",
        "Questions that were needed but had no answer, and so were read as not applicable",
    ),
    "unused": ("Svar som inte behövdes", "Answers that were not needed"),
    "report_title": ("Vägvisare – resultat", "Vägvisare – result"),
    "none_reached": ("Ingen slutsats ännu.", "No conclusion yet."),
    # the terminal consultation
    "commands": (
        'Svara, eller skriv: varför · tillbaka · hjälp · avsluta   ("vet inte" går alltid att svara)',
        'Answer, or type: why · back · help · quit   ("don\'t know" is always a valid answer)',
    ),
    "bool_hint": ("[ja/nej/vet inte]", "[yes/no/don't know]"),
    "choice_hint": ("Ange ett nummer", "Enter a number"),
    "multi_hint": ("Ange ett eller flera nummer, t.ex. 1,3", "Enter one or more numbers, e.g. 1,3"),
    "number_hint": ("Ange ett tal", "Enter a number"),
    "not_understood": ("Jag förstod inte svaret.", "I did not understand the answer."),
    "nothing_to_undo": ("Det finns inget svar att ångra.", "There is no answer to take back."),
    "quit": ("Avbrutet. Inga svar sparades.", "Stopped. No answers were saved."),
    "question": ("Fråga", "Question"),
    "no_help": ("Ingen extra hjälptext för denna fråga.", "No extra help for this question."),
    # the pathway picture and its text alternative
    "pathway_title": (
        "Vägen från idé till nytta – innovationsstöd i Norrbotten och Västerbotten",
        "The road from idea to use – innovation support in Norrbotten and Västerbotten",
    ),
    "pathway_here": ("DU ÄR HÄR", "YOU ARE HERE"),
    "pathway_next": ("NÄSTA", "NEXT"),
    "pathway_contact": ("KONTAKTA", "CONTACT"),
    "pathway_stages": ("Steg", "Stages"),
    "pathway_legend_stage": ("Steg på vägen (numrerade)", "Stage of the pathway (numbered)"),
    "pathway_legend_actor": ("Aktör; siffrorna är stegen den stöder", "Actor; the numbers are the stages it supports"),
    "pathway_legend_here": ("Tjock ram: där du står", "Thick border: where you stand"),
    "pathway_legend_next": ("Dubbel ram: steg som nästa steg leder mot", "Double border: stages your next steps lead to"),
    "pathway_legend_contact": ("★ och tjock ram: aktörer att kontakta", "★ and thick border: actors to contact"),
    "pathway_legend_path": ("Tjock pil: vägen framåt från där du står", "Thick arrow: the way ahead from where you stand"),
    "pathway_legend_dashed": (
        "Streckad pil (*): gäller bara under ett villkor, se nedan",
        "Dashed arrow (*): holds only under a condition, see below",
    ),
    "pathway_legend_unconfirmed": ("(?) efter namnet: uppgifterna är inte bekräftade", "(?) after the name: the facts are not confirmed"),
    "pathway_conditions": ("Villkor", "Conditions"),
    "pathway_first_step": ("Först", "First"),
    "pathway_where": ("Var du står", "Where you stand"),
    "pathway_next_steps": ("Nästa steg", "Next steps"),
    "pathway_stage_list": ("Stegen på vägen", "The stages of the pathway"),
    "pathway_actor_list": ("Aktörerna", "The actors"),
    "pathway_leads_to": ("Leder till", "Leads to"),
    "pathway_supported_by": ("Stöds av", "Supported by"),
    "pathway_offers": ("Erbjuder", "Offers"),
    "pathway_for_whom": ("För", "For"),
    "pathway_cost": ("Kostnad", "Cost"),
    "pathway_source": ("Källa", "Source"),
    "pathway_read": ("lästa", "read"),
    "pathway_unconfirmed": ("Inte bekräftat", "Not confirmed"),
    "pathway_contact_list": ("Aktörer att kontakta", "Actors to contact"),
}


def msg(key: str, lang: str, **values) -> str:
    sv, en = MESSAGES[key]
    text = en if lang == "en" else sv
    return text.format(**values) if values else text
