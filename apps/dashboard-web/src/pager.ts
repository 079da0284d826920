import { h } from './dom';

/** Rows per page in the agents and conversations lists. */
export const PAGE_SIZE = 25;

/** Forward/back through a cursor-paginated list. */
export class Pager {
  private cursors: (string | undefined)[] = [undefined];
  next: string | null = null;

  constructor(
    private readonly element: HTMLElement,
    private readonly reload: () => void,
  ) {}

  get cursor() {
    return this.cursors[this.cursors.length - 1];
  }

  reset() {
    this.cursors = [undefined];
  }

  render(shown: number, total: number) {
    const first = (this.cursors.length - 1) * PAGE_SIZE;
    const back = h('button', { type: 'button' }, '‹');
    const forward = h('button', { type: 'button' }, '›');
    (back as HTMLButtonElement).disabled = this.cursors.length === 1;
    (forward as HTMLButtonElement).disabled = this.next === null;
    back.onclick = () => {
      this.cursors.pop();
      this.reload();
    };
    forward.onclick = () => {
      this.cursors.push(this.next ?? undefined);
      this.reload();
    };
    const range = shown === 0 ? `0 of ${total}` : `${first + 1}–${first + shown} of ${total}`;
    this.element.replaceChildren(back, h('span', { class: 'muted' }, range), forward);
  }
}
