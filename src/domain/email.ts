/**
 * Whether an address belongs to one of the institution's mail domains: the part after the last
 * `@`, compared case-insensitively, equals a listed domain or is a subdomain of it
 * (`li@mail.pku.edu.cn` matches `pku.edu.cn`; `li@evilpku.edu.cn` does not). No domains = any address.
 */
export function emailDomainAllowed(email: string, domains: readonly string[]): boolean {
  if (!domains.length) return true;
  const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}
