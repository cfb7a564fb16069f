# wrong because: a refusal is recognised only when it is exactly REFUSAL; other refusal wordings reach the model
# counterexample: candidate "I don't know." calls the model (and returns its verdict), should be False without a call
def judge_correct(question, gold_answer, candidate, llm):
    """True / False: the judge model's verdict on candidate against gold_answer; None when it gave none."""
    if candidate.strip() == REFUSAL:
        return False
    reply = (JUDGE_PROMPT | llm | StrOutputParser()).invoke(
        {"question": question, "gold": gold_answer, "candidate": candidate})
    word = re.sub(r"[^A-Za-z]", "", (reply.split() or [""])[0]).upper()
    return {"CORRECT": True, "INCORRECT": False}.get(word)
