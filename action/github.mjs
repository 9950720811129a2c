/**
 * The few GitHub REST calls the action makes, over Node's built-in fetch: list an issue's comments (every page),
 * create one, update one. The token goes in a header and never into a message.
 */

export class GitHubApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The `next` URL of a `Link` header, if any (RFC 8288, as GitHub writes it). */
export function nextLink(header) {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * A client for one repository. `apiUrl` is `GITHUB_API_URL` (GitHub Enterprise Server has its own), `repository`
 * is `owner/name`.
 */
export function createGitHub({ apiUrl, token, repository }) {
  const base = apiUrl.replace(/\/+$/, '');
  const request = async (method, url, body) => {
    const res = await fetch(url.startsWith('http') ? url : `${base}${url}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'ecsdeploy-action',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new GitHubApiError(
        res.status,
        `GitHub API ${method} ${new URL(res.url || `${base}${url}`).pathname} answered ${res.status}: ${String(message).slice(0, 300)}`,
      );
    }
    return { json: res.status === 204 ? undefined : await res.json(), link: res.headers.get('link') };
  };

  return {
    /** Every comment of an issue or pull request, following `Link: rel="next"` page by page. */
    async listIssueComments(number) {
      const comments = [];
      let url = `/repos/${repository}/issues/${number}/comments?per_page=100`;
      while (url) {
        const { json, link } = await request('GET', url);
        comments.push(...json);
        url = nextLink(link);
      }
      return comments;
    },
    async createIssueComment(number, body) {
      return (await request('POST', `/repos/${repository}/issues/${number}/comments`, { body })).json;
    },
    async updateIssueComment(id, body) {
      return (await request('PATCH', `/repos/${repository}/issues/comments/${id}`, { body })).json;
    },
  };
}
