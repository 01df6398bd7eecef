/** One section of the environments document. */
export interface DocSection {
  /** Heading text. */
  readonly title: string;
  /** Markdown body. */
  readonly body: string;
}
