# wrong because: the rules' fields must be "validated the same way" (ClaimFields.model_validate) and go to (None, "manual") when they fail; model_construct skips validation, so invalid rule output is returned as a claim and "manual" never happens.
# counterexample: extract_claim("Hello, my bike was stolen yesterday.", FakeListChatModel(responses=["no JSON"])) must return (None, "manual"); this returns (ClaimFields with policy_number None, "rules").
def extract_claim(text, llm):
    """(ClaimFields, "llm") from the model when it validates, else from the rules, else (None, "manual")."""
    try:
        reply = llm.invoke(EXTRACTION_PROMPT.format_messages(text=text)).content
        raw = reply[reply.index("{"):reply.rindex("}") + 1]
        return ClaimFields.model_validate(json.loads(raw)), "llm"
    except (LLMError, ValueError):
        pass
    fields = extract_with_rules(text)
    if fields.get("incident_date"):
        fields["incident_date"] = date.fromisoformat(fields["incident_date"])
    try:
        return ClaimFields.model_construct(**fields), "rules"
    except ValidationError:
        return None, "manual"
