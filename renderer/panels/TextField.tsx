/** One text-edited field with a draft, inline validation and commit on Enter/blur; Escape reverts. */
import { useEffect, useState, type KeyboardEvent } from 'react';

export function TextField({
  label,
  doc,
  value,
  check,
  commit,
  testId,
}: {
  label: string;
  doc: string;
  value: string;
  check: (text: string) => string | undefined;
  commit: (text: string) => void;
  testId: string;
}) {
  const [draft, setDraft] = useState(value);
  const [focused, setFocused] = useState(false);
  // An invalid draft left by blur or Enter stays, with its error, until it is fixed or Escape
  // drops it: reverting it silently would lose what was typed and hide why it was refused.
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!focused && !held) setDraft(value);
  }, [value, focused, held]);
  // The value changed elsewhere (undo, another edit): that value wins over a held draft.
  useEffect(() => setHeld(false), [value]);
  const problem = draft === value ? undefined : check(draft);
  const finish = () => {
    setFocused(false);
    if (draft === value) setHeld(false);
    else if (!check(draft)) {
      setHeld(false);
      commit(draft);
    } else setHeld(true);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
    if (e.key === 'Escape') {
      setDraft(value);
      setHeld(false);
      setFocused(false);
    }
  };
  return (
    <label className="field" title={doc}>
      <span className="field-label">{label}</span>
      <input
        className={problem ? 'invalid' : ''}
        value={draft}
        onFocus={() => setFocused(true)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={finish}
        onKeyDown={onKey}
        data-testid={testId}
        spellCheck={false}
      />
      {problem ? <span className="field-error">{problem}</span> : <span className="field-doc">{doc}</span>}
    </label>
  );
}
