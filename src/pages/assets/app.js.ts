/**
 * The small script every page loads from /assets/app.js. Pages work without it; it only adds
 * comfort: the error summary takes focus (screen readers announce it, a phone scrolls to it), a form
 * marked data-confirm asks first, a submitted form locks its buttons against double clicks, and a
 * link marked data-back goes back in the history (where the form still holds what was typed) rather
 * than opening its address afresh.
 */
export const APP_JS = `(function(){
  var summary=document.querySelector('.error-summary');
  if(summary){summary.setAttribute('tabindex','-1');summary.focus();summary.scrollIntoView({block:'start'});}
  document.addEventListener('submit',function(e){
    var form=e.target;if(!(form instanceof HTMLFormElement))return;
    var ask=form.getAttribute('data-confirm');
    if(ask&&!window.confirm(ask)){e.preventDefault();return;}
    if(form.hasAttribute('data-no-lock'))return;
    setTimeout(function(){form.querySelectorAll('button[type=submit],button:not([type])').forEach(function(b){b.disabled=true;});},0);
  });
  document.addEventListener('click',function(e){
    var back=e.target instanceof Element&&e.target.closest('a[data-back]');
    if(back&&history.length>1){e.preventDefault();history.back();}
  });
})();
`;
