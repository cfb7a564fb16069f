def extract_claim(text, llm):
    """(ClaimFields, source): the rules are good enough, the model is only a cost."""
    try:
        return ClaimFields.model_validate(extract_with_rules(text)), "rules"
    except ValidationError:
        return None, "manual"
