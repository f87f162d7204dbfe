/**
 * The industry's test strings: a spam filter flags GTUBE, an antivirus flags EICAR. The SMTP
 * stand-in cannot scan for real, but honours these so that the `spam_or_virus` outcome can be
 * exercised through SMTP. Kept apart from `smtp-receiver.ts` so that what writes such mails (the
 * benches' corpus) does not load the receiver's SMTP server and mailauth into its process, which
 * is the desk's own in the benches. EICAR is assembled from two halves so that no antivirus
 * quarantines this source file.
 */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
export const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');
