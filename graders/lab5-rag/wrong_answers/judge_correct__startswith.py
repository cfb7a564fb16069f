# wrong because: tests startswith('CORRECT') on the letters of the whole reply, so 'Correctly ...' or 'CORRECTNESS unclear' reads as True
# counterexample: says('Correctness cannot be judged') gives True, should be None
def judge_correct(question, gold_answer, candidate, llm):
    """True / False: the judge model's verdict on candidate against gold_answer; None when it gave none."""
    if is_refusal(candidate):
        return False
    reply = (JUDGE_PROMPT | llm | StrOutputParser()).invoke(
        {"question": question, "gold": gold_answer, "candidate": candidate})
    word = ("CORRECT" if re.sub(r"[^A-Za-z]", "", reply).upper().startswith("CORRECT") else "INCORRECT" if re.sub(r"[^A-Za-z]", "", reply).upper().startswith("INCORRECT") else "")
    return {"CORRECT": True, "INCORRECT": False}.get(word)
