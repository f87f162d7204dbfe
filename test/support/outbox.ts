/** Reading what the desk sent, from the SES stand-in's store. */

export type SentMail = {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: Array<{ name: string; value: string }>;
};

/** Every mail the SES stand-in holds, optionally only those to `to`. */
export async function sentMails(sesEndpoint: string, to?: string): Promise<SentMail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  const { emails } = (await response.json()) as { emails: SentMail[] };
  return to ? emails.filter((mail) => mail.destination.to.includes(to)) : emails;
}

/** The value of a header of a sent mail. */
export function headerOf(mail: SentMail, name: string): string | undefined {
  return mail.headers?.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
}
