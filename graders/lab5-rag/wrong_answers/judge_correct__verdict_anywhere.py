# wrong because: searches the first CORRECT/INCORRECT word anywhere in the reply instead of the first word
# counterexample: reply 'Verdict: CORRECT' gives True, should be None (first word 'Verdict')
def judge_correct(question, gold_answer, candidate, llm):
    """True / False: the judge model's verdict on candidate against gold_answer; None when it gave none."""
    if is_refusal(candidate):
        return False
    reply = (JUDGE_PROMPT | llm | StrOutputParser()).invoke(
        {"question": question, "gold": gold_answer, "candidate": candidate})
    word = next((w for w in (re.sub(r"[^A-Za-z]", "", t).upper() for t in reply.split()) if w in ("CORRECT", "INCORRECT")), "")
    return {"CORRECT": True, "INCORRECT": False}.get(word)
