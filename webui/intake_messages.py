"""Every fixed phrase of the idea intake, the advisors' inbox and the dashboard, in Swedish and
English (merged into webui.messages; kept apart so the intake's words are found in one place)."""

from __future__ import annotations

INTAKE: dict[str, tuple[str, str]] = {
    # --- submission -----------------------------------------------------------------------
    "submit_idea": ("Lämna in en idé till innovationsstödet", "Submit an idea to the innovation support"),
    "submit_idea_link": ("Lämna in idén till ett innovationsstöd", "Submit the idea to an innovation support"),
    "submit_intro": (
        "Idén skickas bara till den organisation du väljer. Dess innovationsrådgivare läser den under sekretess och hör av sig. "
        "Inget visas för någon annan, och du kan när som helst ta tillbaka och radera idén.",
        "The idea is sent only to the organisation you choose. Its innovation advisors read it in confidence and get in touch. "
        "Nothing is shown to anyone else, and you can withdraw and delete the idea at any time.",
    ),
    "submit_triage_intro": (
        "Frågorna nedan hjälper rådgivarna att se vad som brådskar. De kommer från samma kunskapsbas som vägledningarna. "
        "Svara på det du kan – det du hoppar över räknas som ”Vet inte”.",
        "The questions below help the advisors see what is urgent. They come from the same knowledge base as the guides. "
        "Answer what you can – what you skip counts as “Don't know”.",
    ),
    "fs_idea": ("Din idé", "Your idea"),
    "fs_you": ("Om dig", "About you"),
    "fs_receiver": ("Vem ska ta emot idén?", "Who should receive the idea?"),
    "fs_attach": ("Bifoga dina vägledningar", "Attach your guides"),
    "fs_attach_hint": (
        "Resultaten av de vägledningar du bifogar kopieras till idén och läses av triagen (till exempel MDR-klass och vem som äger idén).",
        "The results of the guides you attach are copied into the idea and read by the triage (for example the MDR class and who owns the idea).",
    ),
    "fs_triage": ("Några frågor för prioriteringen", "A few questions for the priority"),
    "f_title": ("Rubrik", "Title"),
    "f_description": ("Kort beskrivning av idén", "Short description of the idea"),
    "f_need": ("Vilket behov möter idén?", "What need does the idea meet?"),
    "f_submitter_organisation": ("Din organisation (namn)", "Your organisation (name)"),
    "f_email": ("E-post", "Email"),
    "f_phone": ("Telefon (frivilligt)", "Phone (optional)"),
    "f_consent": (
        "Jag samtycker till att den mottagande organisationens innovationsstöd lagrar och läser det jag skickar, för att kunna ge mig stöd.",
        "I consent to the receiving organisation's innovation support storing and reading what I send, in order to support me.",
    ),
    "f_max": ("Högst {n} tecken.", "At most {n} characters."),
    "f_required": ("obligatoriskt", "required"),
    "send": ("Skicka idén", "Send the idea"),
    "err_required": ("Fyll i {field}.", "Fill in {field}."),
    "err_too_long": ("{field} får vara högst {n} tecken.", "{field} may be at most {n} characters."),
    "err_email": ("Skriv en e-postadress, till exempel namn@exempel.se.", "Enter an email address, for example name@example.com."),
    "err_phone": (
        "Skriv telefonnumret med siffror, till exempel +46 90 123 45.",
        "Write the phone number in digits, for example +46 90 123 45.",
    ),
    "err_consent": ("Du behöver samtycka för att kunna skicka idén.", "You need to consent to send the idea."),
    "err_receiver": ("Välj vem som ska ta emot idén.", "Choose who should receive the idea."),
    "err_choice": ("Välj ett svar på: {field}.", "Choose an answer to: {field}."),
    "err_triage": ("Svaret på {field} kunde inte användas.", "The answer to {field} could not be used."),
    # --- receipt and the submitter's page ---------------------------------------------------
    "receipt_title": ("Tack – idén är mottagen", "Thank you – the idea is received"),
    "receipt_ref": ("Ärendenummer", "Reference"),
    "receipt_link": ("Din privata länk", "Your private link"),
    "receipt_keep": (
        "Spara länken nu, till exempel i din lösenordshanterare. Den visas bara den här gången och skickas inte med e-post, "
        "eftersom e-post inte är hemlig. Den som har länken kan läsa, komplettera och radera idén.",
        "Save the link now, for example in your password manager. It is shown only this once and is not sent by email, "
        "because email is not secret. Whoever has the link can read, add to and delete the idea.",
    ),
    "receipt_mail": (
        "Vi har skickat en bekräftelse till {email} med ärendenumret, utan innehåll och utan länk.",
        "We have sent a confirmation to {email} with the reference, without content and without the link.",
    ),
    "idea_status_title": ("Din idé", "Your idea"),
    "status": ("Status", "Status"),
    "received": ("Mottagen", "Received"),
    "receiver": ("Mottagare", "Receiver"),
    "history": ("Händelser", "History"),
    "reason": ("Motivering", "Reason"),
    "additions": ("Kompletteringar", "Additions"),
    "add_info": ("Komplettera med mer information", "Add more information"),
    "add_info_label": ("Det du vill lägga till", "What you want to add"),
    "add_info_send": ("Skicka kompletteringen", "Send the addition"),
    "added": ("Kompletteringen är sparad.", "The addition is saved."),
    "download": ("Ladda ner allt vi har om dig", "Download everything we hold about you"),
    "download_json": ("Som JSON", "As JSON"),
    "download_md": ("Som Markdown", "As Markdown"),
    "withdraw": ("Ta tillbaka och radera idén", "Withdraw and delete the idea"),
    "withdraw_confirm": (
        "Idén, dina kompletteringar, de bifogade vägledningarna och rådgivarnas anteckningar raderas nu och kan inte återskapas. "
        "Loggen behåller bara att en idé fanns och raderades.",
        "The idea, your additions, the attached guides and the advisors' notes are now deleted and cannot be recovered. "
        "The log keeps only that an idea existed and was deleted.",
    ),
    "withdraw_do": ("Ja, radera idén", "Yes, delete the idea"),
    "withdrawn": ("Idén är raderad.", "The idea is deleted."),
    "attached_guides": ("Bifogade vägledningar", "Attached guides"),
    "none": ("Inga", "None"),
    "submission": ("Inlämningen", "The submission"),
    "submitter": ("Inlämnare", "Submitter"),
    "role": ("Roll", "Role"),
    "contact": ("Kontakt", "Contact"),
    # --- statuses and priorities ---------------------------------------------------------
    "st_new": ("Ny", "New"),
    "st_in_dialogue": ("I dialog", "In dialogue"),
    "st_verification": ("Verifiering", "Verification"),
    "st_handed_over": ("Överlämnad", "Handed over"),
    "st_closed": ("Avslutad", "Closed"),
    # --- inbox -------------------------------------------------------------------------
    "inbox_title": ("Inkorg – inlämnade idéer", "Inbox – submitted ideas"),
    "inbox_none": ("Inga idéer matchar.", "No ideas match."),
    "inbox_filter": ("Filtrera och sortera", "Filter and sort"),
    "inbox_apply": ("Visa", "Show"),
    "any": ("Alla", "All"),
    "unassigned": ("Ingen", "Nobody"),
    "sort": ("Sortera efter", "Sort by"),
    "order": ("Ordning", "Order"),
    "order_desc": ("Fallande (nyast, högst, Ö–A först)", "Descending (newest, highest, Z–A first)"),
    "order_asc": ("Stigande (äldst, lägst, A–Ö först)", "Ascending (oldest, lowest, A–Z first)"),
    "title": ("Rubrik", "Title"),
    "priority": ("Prioritet", "Priority"),
    "readiness": ("Mognad (kund/teknik/finansiering)", "Readiness (customer/technology/funding)"),
    "readiness_short": ("Mognad K/T/F", "Readiness C/T/F"),
    "mdr_class": ("MDR-klass", "MDR class"),
    "ip_owner": ("Ägande (IP)", "IP ownership"),
    "flags": ("Flaggor", "Flags"),
    "flag": ("Flagga", "Flag"),
    "urgent_flags": ("Brådskande flaggor", "Urgent flags"),
    "assignee": ("Handläggare", "Assignee"),
    "organisation": ("Organisation", "Organisation"),
    "overridden": ("ändrad av rådgivare", "overridden by an advisor"),
    "uncertain": ("osäker – beror på svar som är ”Vet inte”", "uncertain – depends on answers that are “Don't know”"),
    "possibly": ("kanske", "possibly"),
    "flags_incomplete": (
        "fler flaggor kan gälla – för många ”Vet inte” för att pröva alla fall",
        "more flags may apply – too many “Don't know” answers to try every case",
    ),
    "undetermined": ("kan inte avgöras – för många ”Vet inte”", "cannot be decided – too many “Don't know”"),
    "export_csv": ("Exportera som CSV", "Export as CSV"),
    "staff_home": ("Personal", "Staff"),
    # --- idea page -----------------------------------------------------------------------
    "triage_title": ("Triage", "Triage"),
    "rule_priority": ("Prioritet enligt reglerna", "Priority by the rules"),
    "override_title": ("Ändra prioriteten", "Override the priority"),
    "override_do": ("Spara prioriteten", "Save the priority"),
    "override_clear": ("Ta bort ändringen (reglernas prioritet gäller)", "Remove the override (the rules' priority applies)"),
    "err_reason": ("Skriv en motivering.", "Write a reason."),
    "assign_title": ("Tilldela", "Assign"),
    "assign_do": ("Tilldela", "Assign"),
    "move_title": ("Ändra status", "Change the status"),
    "move_do": ("Ändra status", "Change the status"),
    "move_none": ("Ärendet är avslutat; statusen kan inte ändras.", "The case is finished; the status cannot change."),
    "reason_shown": (
        "Motiveringen krävs för Överlämnad och Avslutad och visas för inlämnaren.",
        "A reason is required for Handed over and Closed and is shown to the submitter.",
    ),
    "notes_title": ("Interna anteckningar", "Internal notes"),
    "notes_hint": ("Visas aldrig för inlämnaren.", "Never shown to the submitter."),
    "note_add": ("Spara anteckningen", "Save the note"),
    "note": ("Anteckning", "Note"),
    "key_conclusions": ("Viktigaste slutsatser", "Key conclusions"),
    "flags_firm": ("Gäller", "Hold"),
    "flags_possible": ("Kan gälla, beroende på ”Vet inte”-svar", "May hold, depending on “Don't know” answers"),
    "saved": ("Sparat.", "Saved."),
    "ev_status": ("Status: {a} → {b}", "Status: {a} → {b}"),
    "ev_assign": ("Tilldelad: {b}", "Assigned: {b}"),
    "ev_priority": ("Prioritet: {a} → {b}", "Priority: {a} → {b}"),
    # --- dashboard -----------------------------------------------------------------------
    "dashboard_title": ("Uppföljning", "Follow-up"),
    "per_month": ("Idéer per månad", "Ideas per month"),
    "per_organisation": ("Idéer per organisation", "Ideas per organisation"),
    "per_status": ("Idéer per status", "Ideas per status"),
    "per_kind": ("Idéer per slags idé", "Ideas per kind of idea"),
    "chart_alt": (
        "Stapeldiagram: {title}. Samma siffror finns i tabellen nedan.",
        "Bar chart: {title}. The same figures are in the table below.",
    ),
    "unknown_kind": ("Inte angivet", "Not given"),
    # --- mail ----------------------------------------------------------------------------
    "mail_received_subject": ("Vägvisare: din idé är mottagen ({ref})", "Vägvisare: your idea is received ({ref})"),
    "mail_received_body": (
        "Hej!\n\nDin idé är mottagen av innovationsstödet vid {org}. Ärendenummer: {ref}.\n\n"
        "Av sekretesskäl står idéns innehåll och din privata länk inte i detta meddelande. Använd länken du sparade när du skickade idén "
        "för att följa den, komplettera den eller ta tillbaka den.\n\nHar du inte skickat någon idé kan du bortse från meddelandet.\n",
        "Hello,\n\nYour idea is received by the innovation support of {org}. Reference: {ref}.\n\n"
        "For confidentiality, neither the idea's content nor your private link is in this message. Use the link you saved when you "
        "sent the idea to follow it, add to it or withdraw it.\n\nIf you did not send an idea, you can ignore this message.\n",
    ),
    "mail_status_subject": ("Vägvisare: ny status för din idé ({ref})", "Vägvisare: new status for your idea ({ref})"),
    "mail_status_body": (
        "Hej!\n\nDin idé ({ref}) har nu status: {status}.\n\nÖppna din privata länk för att se mer.\n",
        "Hello,\n\nYour idea ({ref}) now has the status: {status}.\n\nOpen your private link to see more.\n",
    ),
    "mail_assign_subject": ("Vägvisare: en idé är tilldelad dig ({ref})", "Vägvisare: an idea is assigned to you ({ref})"),
    "mail_assign_body": (
        "Hej!\n\nIdén {ref} är tilldelad dig. Logga in för att läsa den:\n{url}\n",
        "Hello,\n\nThe idea {ref} is assigned to you. Sign in to read it:\n{url}\n",
    ),
}
